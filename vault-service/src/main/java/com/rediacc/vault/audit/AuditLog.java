package com.rediacc.vault.audit;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only audit table. {@link #record} joins the caller's transaction when there is one
 * (a rotation and its audit row commit together) and commits on its own otherwise; if it fails,
 * the call fails, so nothing is decrypted without its row.
 */
@ApplicationScoped
public class AuditLog {
    private static final int MAX_TEXT = 1024;

    @Inject
    AgroalDataSource dataSource;

    public record Event(String caller, Action action, String team, Integer keyVersion, Integer newKeyVersion,
                        String context, Result result, String error) {
    }

    public void record(Event event) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO vault_audit (caller, action, team, key_version, new_key_version, context, result, error)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, event.caller());
            insert.setString(2, event.action().name());
            insert.setString(3, clip(event.team() == null ? "" : event.team()));
            setInt(insert, 4, event.keyVersion());
            setInt(insert, 5, event.newKeyVersion());
            insert.setString(6, event.context() == null ? null : clip(event.context()));
            insert.setString(7, event.result().name());
            insert.setString(8, event.error() == null ? null : clip(event.error()));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the audit row", e);
        }
    }

    /** Rows with {@code at >= since} (and {@code id > afterId}), of one team or all, oldest first. */
    public List<AuditEntry> list(String team, Instant since, long afterId, int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT id, at, caller, action, team, key_version, new_key_version, context, result, error
                     FROM vault_audit
                     WHERE (?::text IS NULL OR team = ?) AND at >= ? AND id > ?
                     ORDER BY id
                     LIMIT ?""")) {
            select.setString(1, team);
            select.setString(2, team);
            select.setTimestamp(3, Timestamp.from(since));
            select.setLong(4, afterId);
            select.setInt(5, limit);
            List<AuditEntry> entries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new AuditEntry(rows.getLong("id"), rows.getTimestamp("at").toInstant(),
                            rows.getString("caller"), Action.valueOf(rows.getString("action")), rows.getString("team"),
                            (Integer) rows.getObject("key_version"), (Integer) rows.getObject("new_key_version"),
                            rows.getString("context"), Result.valueOf(rows.getString("result")), rows.getString("error")));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log", e);
        }
    }

    private static void setInt(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    /** Caller-supplied text is bounded and has no control characters (one line per value). */
    private static String clip(String text) {
        String flat = text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return flat.length() <= MAX_TEXT ? flat : flat.substring(0, MAX_TEXT) + "...";
    }
}
