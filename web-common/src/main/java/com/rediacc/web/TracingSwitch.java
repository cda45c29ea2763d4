package com.rediacc.web;

import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import org.eclipse.microprofile.config.Config;

/**
 * Tracing is off unless an OTLP endpoint is configured (docs/adr/0019): the OpenTelemetry SDK stays
 * disabled ({@value #SDK_DISABLED} reads true) until an operator sets
 * {@code quarkus.otel.exporter.otlp.endpoint} or {@code quarkus.otel.exporter.otlp.traces.endpoint},
 * in any source above the built-in defaults (a jar's microprofile-config.properties, 100, and up:
 * application.properties, the environment, system properties). An explicit
 * {@value #SDK_DISABLED} wins either way. Disabled, Quarkus installs no tracer in Vert.x and the
 * OpenTelemetry beans are no-ops.
 */
public class TracingSwitch implements ConfigSourceInterceptor {
    public static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String[] ENDPOINTS = {"quarkus.otel.exporter.otlp.traces.endpoint", "quarkus.otel.exporter.otlp.endpoint"};
    /** Config sources below this ordinal hold defaults (the extensions' own), not an operator's choice. */
    private static final int CONFIGURED = 100;

    /**
     * The OpenTelemetry our own spans are made with: a no-op one while tracing is off. Quarkus' bean is
     * then still an SDK that makes valid spans (only their export is off), which would put trace ids on
     * tasks fired by crons, in the bridge's log lines and as exemplars in /q/metrics.
     */
    public static OpenTelemetry inUse(OpenTelemetry configured, Config config) {
        return config.getOptionalValue(SDK_DISABLED, Boolean.class).orElse(false) ? OpenTelemetry.noop() : configured;
    }

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!SDK_DISABLED.equals(name) || configured(value)) {
            return value;
        }
        boolean endpoint = false;
        for (String key : ENDPOINTS) {
            endpoint |= configured(context.proceed(key));
        }
        return ConfigValue.builder().withName(name).withValue(String.valueOf(!endpoint))
                .withRawValue(String.valueOf(!endpoint)).withConfigSourceName("rediacc tracing switch")
                .withConfigSourceOrdinal(CONFIGURED - 1).build();
    }

    private static boolean configured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() >= CONFIGURED;
    }
}
