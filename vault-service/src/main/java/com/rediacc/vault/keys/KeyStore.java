package com.rediacc.vault.keys;

import com.rediacc.contract.vault.KeyInfo;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** SQL adapter for team keys: only keysets encrypted under the root key pass through here. */
@ApplicationScoped
public class KeyStore {
    @Inject
    AgroalDataSource dataSource;

    /** The version new encrypts use; empty when the team has no key. */
    public OptionalInt latestVersion(String team) {
        return queryInt("SELECT latest_version FROM vault_teams WHERE team = ? AND latest_version > 0", team);
    }

    public Optional<byte[]> encryptedKeyset(String team, int version) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT encrypted_keyset FROM vault_key_versions WHERE team = ? AND version = ?")) {
            select.setString(1, team);
            select.setInt(2, version);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read a team key", e);
        }
    }

    /** In a transaction: the team's row, locked; its current latest version (0 for a new team). */
    public int lockTeam(String team) {
        update("INSERT INTO vault_teams (team, latest_version) VALUES (?, 0) ON CONFLICT (team) DO NOTHING", team);
        return queryInt("SELECT latest_version FROM vault_teams WHERE team = ? FOR UPDATE", team).orElseThrow();
    }

    /** In the transaction that locked the team: stores version {@code version} and makes it the latest. */
    public void addVersion(String team, int version, byte[] encryptedKeyset) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO vault_key_versions (team, version, encrypted_keyset) VALUES (?, ?, ?)");
             PreparedStatement latest = connection.prepareStatement(
                     "UPDATE vault_teams SET latest_version = ? WHERE team = ?")) {
            insert.setString(1, team);
            insert.setInt(2, version);
            insert.setBytes(3, encryptedKeyset);
            insert.executeUpdate();
            latest.setInt(1, version);
            latest.setString(2, team);
            latest.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store a team key", e);
        }
    }

    /** Versions and creation times, oldest first; empty when the team has no key. */
    public List<KeyInfo.Version> versions(String team) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT version, created_at FROM vault_key_versions WHERE team = ? ORDER BY version")) {
            select.setString(1, team);
            List<KeyInfo.Version> versions = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    versions.add(new KeyInfo.Version(rows.getInt(1), rows.getTimestamp(2).toInstant()));
                }
            }
            return versions;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list team key versions", e);
        }
    }

    private OptionalInt queryInt(String sql, String team) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, team);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? OptionalInt.of(rows.getInt(1)) : OptionalInt.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read team keys", e);
        }
    }

    private void update(String sql, String team) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, team);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write team keys", e);
        }
    }
}
