package com.rediacc.web;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TracingSwitchTest {
    private static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    private static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";

    /** A config as Quarkus builds it: the extension's defaults lowest, then what an operator wrote (ordinal 250). */
    private static boolean sdkDisabled(Map<String, String> defaults, Map<String, String> configured) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(defaults, "defaults", Integer.MIN_VALUE))
                .withSources(new PropertiesConfigSource(configured, "application.properties", 250))
                .withInterceptors(new TracingSwitch())
                .build();
        return config.getValue(TracingSwitch.SDK_DISABLED, Boolean.class);
    }

    @Test
    void ourSpansAreInvalidWhileTracingIsOffAndMadeByTheConfiguredOpenTelemetryWhenOn() {
        OpenTelemetry sdk = OpenTelemetrySdk.builder().build(); // what Quarkus' bean is with the SDK "disabled"
        assertThat(sdk.getTracer("t").spanBuilder("s").startSpan().getSpanContext().isValid())
                .as("the disabled SDK still makes valid spans").isTrue();
        SmallRyeConfig off = new SmallRyeConfigBuilder().withInterceptors(new TracingSwitch()).build();
        assertThat(TracingSwitch.inUse(sdk, off).getTracer("t").spanBuilder("s").startSpan().getSpanContext().isValid())
                .isFalse();
        SmallRyeConfig on = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of(ENDPOINT, "http://collector:4317"), "application.properties", 250))
                .withInterceptors(new TracingSwitch()).build();
        assertThat(TracingSwitch.inUse(sdk, on)).isSameAs(sdk);
    }

    @Test
    void offWhenNoEndpointIsConfiguredEvenThoughTheExtensionHasADefaultOne() {
        assertThat(sdkDisabled(Map.of(ENDPOINT, "http://localhost:4317/", TracingSwitch.SDK_DISABLED, "false"), Map.of()))
                .isTrue();
    }

    @Test
    void onWhenAnEndpointIsConfigured() {
        assertThat(sdkDisabled(Map.of(), Map.of(ENDPOINT, "http://collector:4317"))).isFalse();
        assertThat(sdkDisabled(Map.of(), Map.of(TRACES_ENDPOINT, "http://collector:4317"))).isFalse();
    }

    @Test
    void anExplicitSettingWins() {
        assertThat(sdkDisabled(Map.of(), Map.of(ENDPOINT, "http://collector:4317", TracingSwitch.SDK_DISABLED, "true")))
                .isTrue();
        assertThat(sdkDisabled(Map.of(), Map.of(TracingSwitch.SDK_DISABLED, "false"))).isFalse();
    }
}
