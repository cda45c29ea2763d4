package com.rediacc.bridge;

import io.opentelemetry.api.OpenTelemetry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.bridge.credentials.VaultCredentialStore;
import com.rediacc.bridge.metrics.MeteredSshSessions;
import com.rediacc.bridge.metrics.MeteredTaskQueue;
import com.rediacc.bridge.queue.CoalescingTaskQueue;
import com.rediacc.bridge.queue.QueueClient;
import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.bridge.ssh.SshSessionPool;
import com.rediacc.bridge.ssh.SshSessions;
import com.rediacc.bridge.vault.VaultClient;
import com.rediacc.bridge.vault.VaultDecryptor;
import com.rediacc.bridge.work.WorkScheduler;
import com.rediacc.bridge.work.WorkSettings;
import com.rediacc.web.TracingSwitch;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import com.rediacc.bridge.dispatch.DispatchConsumer;
import com.rediacc.bridge.dispatch.DispatchListener;
import com.rediacc.bridge.presence.AssignedPartitions;
import com.rediacc.bridge.presence.PresenceReporter;
import com.rediacc.bridge.resources.ResourceSampler;
import com.rediacc.contract.bridge.BridgePresence;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Builds the bridge's parts from configuration. */
@ApplicationScoped
public class BridgeWiring {
    private static final Logger LOG = Logger.getLogger(BridgeWiring.class);

    @Produces
    @Singleton
    @Named("bridgeId")
    String bridgeId(BridgeConfig config) {
        return config.bridge().id().orElseGet(() -> {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "bridge";
            }
            return host + "-" + UUID.randomUUID().toString().substring(0, 8);
        });
    }

    @Produces
    @Singleton
    @Typed(SshSessionPool.class)
    SshSessionPool sshSessionPool(BridgeConfig config) {
        BridgeConfig.Ssh ssh = config.bridge().ssh();
        return new SshSessionPool(ssh.connectTimeout(), ssh.authTimeout(), ssh.idleTimeout(), ssh.maxChannelsPerSession(),
                ssh.keepaliveInterval(), ssh.keepaliveMissed());
    }

    void closeSshSessionPool(@Disposes SshSessionPool pool) {
        pool.close();
    }

    @Produces
    @Singleton
    VaultDecryptor vaultDecryptor(BridgeConfig config, ObjectMapper json) {
        return new VaultClient(config.vault().url(), config.vault().bridgeToken(), json);
    }

    @Produces
    @Singleton
    CredentialStore credentialStore(VaultDecryptor vault, ObjectMapper json) {
        return new VaultCredentialStore(vault, json);
    }

    /** The pool, counting connect, auth and host key failures per machine; its open sessions and channels as gauges. */
    @Produces
    @Singleton
    SshSessions sshSessions(SshSessionPool pool, MeterRegistry registry) {
        Gauge.builder("rediacc.ssh.sessions.open", pool, SshSessionPool::openSessions)
                .description("SSH sessions this bridge holds open").register(registry);
        Gauge.builder("rediacc.ssh.channels.open", pool, SshSessionPool::openChannels)
                .description("Commands running or starting on this bridge's sessions (one channel each)").register(registry);
        return new MeteredSshSessions(pool, registry);
    }

    /** The queue-service, reports of several tasks sent together, counting claims and lost attempts ended. */
    @Produces
    @Singleton
    TaskQueue taskQueue(QueueClient client, MeterRegistry registry) {
        return new MeteredTaskQueue(new CoalescingTaskQueue(client, client::reports), registry);
    }

    @Produces
    @Singleton
    @Typed(QueueClient.class)
    QueueClient queueClient(BridgeConfig config, @Named("bridgeId") String bridgeId, ObjectMapper json,
                            OpenTelemetry openTelemetry) {
        return new QueueClient(config.queue().url(), config.auth().bridgeToken(), bridgeId, json, tracing(openTelemetry));
    }

    @Produces
    @Singleton
    WorkScheduler workScheduler(TaskQueue queue, SshSessions ssh, CredentialStore credentials, VaultDecryptor vault,
                                BridgeConfig config, @Named("bridgeId") String bridgeId, OpenTelemetry openTelemetry) {
        BridgeConfig.Bridge bridge = config.bridge();
        List<String> tags = bridge.tags().orElse(List.of());
        LOG.infof("bridge %s: up to %d tasks at once, tags %s", bridgeId, bridge.batchSize(), tags);
        return new WorkScheduler(queue, ssh, credentials, vault, new WorkSettings(bridge.batchSize(), tags,
                bridge.heartbeatEvery(), bridge.output().maxBytes(), bridge.reportRetryFor(), bridge.shutdownGrace(), bridge.unavailableRetryMax()),
                tracing(openTelemetry).getTracer("rediacc.bridge"));
    }

    @Produces
    @Singleton
    ResourceSampler resourceSampler(SshSessionPool pool) {
        return new ResourceSampler(pool);
    }

    @Produces
    @Singleton
    PresenceReporter presenceReporter(TaskQueue queue, ResourceSampler sampler,
                                      AssignedPartitions partitions,
                                      BridgeConfig config, @Named("bridgeId") String bridgeId,
                                      @ConfigProperty(name = "quarkus.application.version") Optional<String> version,
                                      @ConfigProperty(name = "quarkus.http.port") int port) {
        BridgeConfig.Bridge bridge = config.bridge();
        String url = bridge.advertisedUrl().map(URI::toString).orElseGet(() -> "http://" + localAddress() + ":" + port);
        List<String> tags = bridge.tags().orElse(List.of());
        return new PresenceReporter(queue, sampler, () -> new BridgePresence(bridgeId, version.orElse(null), tags, url,
                partitions.assigned(), partitions.count(), bridge.batchSize(), bridge.presenceEvery().toMillis(), List.of()));
    }

    /** The bridge's member of the dispatch group; {@code kafka}: every {@code kafka.*} setting (application.properties). */
    @Produces
    @Singleton
    DispatchConsumer dispatchConsumer(@Identifier("default-kafka-broker") Map<String, Object> kafka, DispatchListener listener,
                                      AssignedPartitions partitions, OpenTelemetry openTelemetry) {
        return new DispatchConsumer(kafka, listener, partitions, tracing(openTelemetry));
    }

    /** What the bridge's own spans are made with: a no-op while tracing is off (TracingSwitch). */
    private static OpenTelemetry tracing(OpenTelemetry configured) {
        return TracingSwitch.inUse(configured, ConfigProvider.getConfig());
    }

    void onStart(@Observes StartupEvent event, PresenceReporter presence, DispatchConsumer dispatch, BridgeConfig config) {
        presence.start(config.bridge().presenceEvery(), config.bridge().resourcesEvery());
        dispatch.start();
    }

    /**
     * SIGTERM: stop claiming, leave the dispatch group at once (the other bridges take over this one's
     * machines and their ready work), then let running tasks finish and report (their reports go to
     * queue-service, not through Kafka) before the SSH client goes away (docs/adr/0022).
     */
    void onShutdown(@Observes ShutdownEvent event, WorkScheduler scheduler, PresenceReporter presence, DispatchConsumer dispatch) {
        presence.close();
        scheduler.stopClaiming();
        dispatch.leave();
        scheduler.close();
    }

    private static String localAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (Exception e) {
            return "127.0.0.1";
        }
    }
}
