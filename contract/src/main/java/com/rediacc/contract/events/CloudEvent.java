package com.rediacc.contract.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A CloudEvents 1.0 envelope in structured JSON mode. {@code dataschema} names the versioned
 * schema of {@code data} (documented in docs/events.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent<T>(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        String dataschema,
        T data) {

    public static final String SPEC_VERSION = "1.0";

    public static <T> CloudEvent<T> of(String id, String source, String type, String subject, Instant time,
                                       String dataschema, T data) {
        return new CloudEvent<>(SPEC_VERSION, id, source, type, subject, time, "application/json", dataschema, data);
    }
}
