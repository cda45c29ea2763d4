package com.rediacc.queue.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/** Loads the explicit SQL kept in {@code src/main/resources/sql/*.sql}. */
public final class SqlFiles {
    private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();

    private SqlFiles() {
    }

    public static String load(String name) {
        return CACHE.computeIfAbsent(name, SqlFiles::read);
    }

    private static String read(String name) {
        String resource = "sql/" + name + ".sql";
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing SQL resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
