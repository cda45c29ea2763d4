package com.rediacc.bridge;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mapping read as the bridge reads it, from environment variables as dev/, e2e-tests/ and k8s/ set them. */
class BridgeConfigTest {
    private static final Map<String, String> TOKENS = Map.of(
            "REDIACC_AUTH_BRIDGE_TOKEN", "queue-token",
            "REDIACC_VAULT_BRIDGE_TOKEN", "vault-token");

    private static BridgeConfig fromEnvironment(Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                .addDiscoveredConverters() // Quarkus's, e.g. durations written "2s"
                .withMapping(BridgeConfig.class)
                .withSources(new EnvConfigSource(env, EnvConfigSource.ORDINAL))
                .build()
                .getConfigMapping(BridgeConfig.class);
    }

    @Test
    void everyOptionalSettingHasItsDefault() {
        BridgeConfig config = fromEnvironment(TOKENS);

        assertThat(config.queue().url()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(config.vault().url()).isEqualTo(URI.create("http://127.0.0.1:8082"));
        BridgeConfig.Bridge bridge = config.bridge();
        assertThat(bridge.id()).isEmpty();
        assertThat(bridge.batchSize()).isEqualTo(8);
        assertThat(bridge.tags()).isEmpty();
        assertThat(bridge.heartbeatEvery()).isEqualTo(Duration.ofSeconds(2));
        assertThat(bridge.reportRetryFor()).isEqualTo(Duration.ofSeconds(60));
        assertThat(bridge.shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
        assertThat(bridge.output().maxBytes()).isEqualTo(1048576);
        assertThat(bridge.ssh().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(bridge.ssh().authTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(bridge.ssh().maxChannelsPerSession()).isEqualTo(8);
        assertThat(bridge.ssh().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void theEnvironmentVariablesInUseReachTheirSettings() {
        Map<String, String> env = new HashMap<>(Map.of(
                "REDIACC_QUEUE_URL", "http://queue-service:8080",
                "REDIACC_AUTH_BRIDGE_TOKEN", "queue-token",
                "REDIACC_VAULT_URL", "http://vault-service:8082",
                "REDIACC_VAULT_BRIDGE_TOKEN", "vault-token",
                "REDIACC_BRIDGE_ID", "bridge-7",
                "REDIACC_BRIDGE_BATCH_SIZE", "3",
                "REDIACC_BRIDGE_HEARTBEAT_EVERY", "1s",
                "REDIACC_BRIDGE_SHUTDOWN_GRACE", "45s",
                "REDIACC_BRIDGE_TAGS", "gpu,eu"));
        // dev/stack's stack.env, for the CLI; a bridge started from a shell that sourced it must not mind.
        env.put("REDIACC_BRIDGE_TOKEN", "unrelated");

        BridgeConfig config = fromEnvironment(env);

        assertThat(config.queue().url()).isEqualTo(URI.create("http://queue-service:8080"));
        assertThat(config.auth().bridgeToken()).isEqualTo("queue-token");
        assertThat(config.vault().url()).isEqualTo(URI.create("http://vault-service:8082"));
        assertThat(config.vault().bridgeToken()).isEqualTo("vault-token");
        assertThat(config.bridge().id()).contains("bridge-7");
        assertThat(config.bridge().batchSize()).isEqualTo(3);
        assertThat(config.bridge().heartbeatEvery()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.bridge().shutdownGrace()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.bridge().tags()).isEqualTo(Optional.of(List.of("gpu", "eu")));
    }

    @Test
    void theTokensAreRequired() {
        assertThatThrownBy(() -> fromEnvironment(Map.of()))
                .hasMessageContaining("rediacc.auth.bridge-token")
                .hasMessageContaining("rediacc.vault.bridge-token");
    }
}
