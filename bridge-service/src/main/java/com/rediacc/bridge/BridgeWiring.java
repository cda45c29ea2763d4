package com.rediacc.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.bridge.credentials.VaultCredentialStore;
import com.rediacc.bridge.queue.QueueClient;
import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.bridge.ssh.SshSessionPool;
import com.rediacc.bridge.ssh.SshSessions;
import com.rediacc.bridge.vault.VaultClient;
import com.rediacc.bridge.vault.VaultDecryptor;
import com.rediacc.bridge.work.WorkScheduler;
import com.rediacc.bridge.work.WorkSettings;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/** Builds the bridge's parts from configuration. */
@ApplicationScoped
public class BridgeWiring {
    private static final Logger LOG = Logger.getLogger(BridgeWiring.class);

    @Produces
    @Singleton
    @Named("bridgeId")
    String bridgeId(BridgeConfig config) {
        return config.id().orElseGet(() -> {
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
    SshSessionPool sshSessionPool(BridgeConfig config) {
        return new SshSessionPool(config.ssh().connectTimeout(), config.ssh().authTimeout(), config.ssh().idleTimeout(),
                config.ssh().maxChannelsPerSession());
    }

    void closeSshSessionPool(@Disposes SshSessionPool pool) {
        pool.close();
    }

    @Produces
    @Singleton
    VaultDecryptor vaultDecryptor(@ConfigProperty(name = "rediacc.vault.url") URI vaultUrl,
                                  @ConfigProperty(name = "rediacc.vault.bridge-token") String token, ObjectMapper json) {
        return new VaultClient(vaultUrl, token, json);
    }

    @Produces
    @Singleton
    CredentialStore credentialStore(VaultDecryptor vault, ObjectMapper json) {
        return new VaultCredentialStore(vault, json);
    }

    @Produces
    @Singleton
    QueueClient queueClient(@ConfigProperty(name = "rediacc.queue.url") URI queueUrl,
                            @ConfigProperty(name = "rediacc.auth.bridge-token") String token,
                            @Named("bridgeId") String bridgeId, ObjectMapper json) {
        return new QueueClient(queueUrl, token, bridgeId, json);
    }

    @Produces
    @Singleton
    WorkScheduler workScheduler(TaskQueue queue, SshSessions ssh, CredentialStore credentials, VaultDecryptor vault,
                                BridgeConfig config, @Named("bridgeId") String bridgeId,
                                @ConfigProperty(name = "rediacc.bridge.heartbeat-every", defaultValue = "2s") Duration heartbeat) {
        LOG.infof("bridge %s: up to %d tasks at once, tags %s", bridgeId, config.batchSize(), config.tags().orElse(java.util.List.of()));
        return new WorkScheduler(queue, ssh, credentials, vault, new WorkSettings(config.batchSize(),
                config.tags().orElse(java.util.List.of()), heartbeat, config.output().maxBytes(), config.reportRetryFor(),
                config.shutdownGrace()));
    }

    /** SIGTERM: stop claiming and let running tasks finish before the SSH client goes away. */
    void onShutdown(@Observes ShutdownEvent event, WorkScheduler scheduler) {
        scheduler.close();
    }
}
