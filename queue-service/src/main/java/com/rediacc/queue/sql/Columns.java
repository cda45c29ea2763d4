package com.rediacc.queue.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Reading and writing the column types the repositories share: timestamps and JSON documents. */
public final class Columns {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Columns() {
    }

    public static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /** An instant as a {@code timestamptz} parameter. */
    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** A {@code jsonb} column as a document, or null. */
    public static JsonNode json(Row row, String column) {
        Object value = row.getValue(column);
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + column, e);
        }
    }
}
