package com.rediacc.vault.keys;

import com.google.crypto.tink.Aead;
import com.rediacc.contract.vault.KeyInfo;
import com.rediacc.vault.audit.Action;
import com.rediacc.vault.audit.AuditLog;
import com.rediacc.vault.audit.Result;
import com.rediacc.vault.auth.Caller;
import com.rediacc.vault.crypto.KeyEncryptionKeys;
import com.rediacc.vault.crypto.RootKey;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Teams' key-encryption keys. A team gets version 1 on its first encrypt; each rotation adds the
 * next version and makes it the one new encrypts use; versions are never removed. Opened keys are
 * kept in memory per (team, version), which never change once committed.
 */
@ApplicationScoped
public class TeamKeys {
    private static final Logger LOG = Logger.getLogger(TeamKeys.class);

    @Inject
    RootKey root;
    @Inject
    KeyStore store;
    @Inject
    AuditLog audit;

    private final ConcurrentHashMap<String, Aead> opened = new ConcurrentHashMap<>();

    /** A usable key-encryption key of one version. */
    public record Kek(String team, int version, Aead aead) {
    }

    /** The team's newest key; creates version 1 (audited as CREATE_KEY) when the team has none. */
    public Kek newest(String team, Caller caller) {
        OptionalInt latest = store.latestVersion(team);
        if (latest.isPresent()) {
            int version = latest.getAsInt();
            return new Kek(team, version, version(team, version)
                    .orElseThrow(() -> new IllegalStateException("team key version is latest but not stored")));
        }
        Kek created = QuarkusTransaction.requiringNew().call(() -> advance(team, caller, false));
        opened.putIfAbsent(cacheKey(team, created.version()), created.aead());
        return created;
    }

    /** Version {@code version} of the team's key; empty when it does not exist. */
    public Optional<Aead> version(String team, int version) {
        Aead cached = opened.get(cacheKey(team, version));
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<byte[]> stored = store.encryptedKeyset(team, version);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Aead aead;
        try {
            aead = KeyEncryptionKeys.open(root.aead(), team, version, stored.get());
        } catch (GeneralSecurityException e) {
            // Not the caller's fault: the stored key does not open with this root key.
            throw new IllegalStateException("key version " + version + " of team " + team
                    + " does not open with the configured root key (another root key, or a damaged row)");
        }
        opened.putIfAbsent(cacheKey(team, version), aead);
        return Optional.of(aead);
    }

    /** Adds the next version (version 1 for a team without a key); audited as ROTATE in the same transaction. */
    public KeyInfo rotate(String team, Caller caller) {
        // Versions read in the rotation's own transaction (team row locked): the answer shows the
        // version this call made as the latest, even when other rotations follow at once.
        KeyInfo info = QuarkusTransaction.requiringNew().call(() -> {
            Kek rotated = advance(team, caller, true);
            return new KeyInfo(team, rotated.version(), store.versions(team));
        });
        LOG.infof("rotated the key of team %s to version %d", team, info.latestVersion());
        return info;
    }

    public Optional<KeyInfo> info(String team) {
        List<KeyInfo.Version> versions = store.versions(team);
        if (versions.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new KeyInfo(team, versions.getLast().version(), versions));
    }

    /** In a transaction: locks the team, adds its next version unless creating and another call already did. */
    private Kek advance(String team, Caller caller, boolean rotate) throws GeneralSecurityException {
        int current = store.lockTeam(team);
        if (!rotate && current > 0) {
            return new Kek(team, current, version(team, current).orElseThrow());
        }
        int next = current + 1;
        KeyEncryptionKeys.Sealed sealed = KeyEncryptionKeys.generate(root.aead(), team, next);
        store.addVersion(team, next, sealed.encryptedKeyset());
        audit.record(new AuditLog.Event(caller.name(), rotate ? Action.ROTATE : Action.CREATE_KEY, team, next, null,
                null, Result.OK, null));
        if (!rotate) {
            LOG.infof("created the key of team %s (version 1)", team);
        }
        return new Kek(team, next, sealed.aead());
    }

    private static String cacheKey(String team, int version) {
        return team + ":" + version;
    }
}
