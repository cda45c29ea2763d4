package com.rediacc.vault.transit;

import com.google.crypto.tink.Aead;
import com.rediacc.contract.vault.CiphertextRequest;
import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.contract.vault.EncryptRequest;
import com.rediacc.contract.vault.KeyInfo;
import com.rediacc.contract.vault.PlaintextResponse;
import com.rediacc.vault.VaultConfig;
import com.rediacc.vault.audit.Action;
import com.rediacc.vault.audit.AuditLog;
import com.rediacc.vault.audit.Result;
import com.rediacc.vault.auth.Caller;
import com.rediacc.vault.auth.Right;
import com.rediacc.vault.crypto.DecryptFailure;
import com.rediacc.vault.crypto.Envelope;
import com.rediacc.vault.crypto.Names;
import com.rediacc.vault.crypto.VaultCiphertext;
import com.rediacc.vault.keys.TeamKeys;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import com.google.crypto.tink.subtle.Random;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The vault's operations, modelled on Vault's transit engine: encrypt, decrypt, rewrap, rotate,
 * key info, datakey. Decrypt, rewrap, rotate and datakey leave exactly one audit row each, whether
 * they succeed, fail or are not allowed. Plaintext lives only in local byte arrays (zeroed after
 * use) and in the request and response bodies; it is never logged, stored or put in a message.
 */
@ApplicationScoped
public class Transit {
    @Inject
    TeamKeys keys;
    @Inject
    AuditLog audit;
    @Inject
    VaultConfig config;

    public CiphertextResponse encrypt(Caller caller, String team, EncryptRequest request) {
        if (!caller.may(Right.ENCRYPT)) {
            throw caller.forbidden(Right.ENCRYPT);
        }
        List<FieldError> errors = new ArrayList<>();
        checkTeam(errors, team);
        checkContext(errors, request == null ? null : request.context());
        byte[] plaintext = request == null ? null : plaintext(errors, request.plaintext());
        if (!errors.isEmpty()) {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
            throw ProblemException.invalid(errors);
        }
        try {
            TeamKeys.Kek kek = keys.newest(team, caller);
            return new CiphertextResponse(seal(kek, request.context(), plaintext).format(), kek.version());
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    public PlaintextResponse decrypt(Caller caller, String team, CiphertextRequest request) {
        String context = request == null ? null : request.context();
        return audited(caller, Right.DECRYPT, Action.DECRYPT, team, context, false, trail -> {
            VaultCiphertext ciphertext = validCiphertext(team, request);
            trail.keyVersion = ciphertext.keyVersion();
            byte[] plaintext = open(team, ciphertext, context);
            try {
                return new PlaintextResponse(Base64.getEncoder().encodeToString(plaintext));
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        });
    }

    /** The same plaintext under the team's newest key version, with a fresh data key; the plaintext stays inside. */
    public CiphertextResponse rewrap(Caller caller, String team, CiphertextRequest request) {
        String context = request == null ? null : request.context();
        return audited(caller, Right.REWRAP, Action.REWRAP, team, context, false, trail -> {
            VaultCiphertext ciphertext = validCiphertext(team, request);
            trail.keyVersion = ciphertext.keyVersion();
            byte[] plaintext = open(team, ciphertext, context);
            try {
                TeamKeys.Kek kek = keys.newest(team, caller);
                trail.newKeyVersion = kek.version();
                return new CiphertextResponse(seal(kek, context, plaintext).format(), kek.version());
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        });
    }

    public KeyInfo rotate(Caller caller, String team) {
        // The successful rotation writes its audit row in its own transaction (TeamKeys).
        return audited(caller, Right.ROTATE, Action.ROTATE, team, null, true, trail -> {
            requireTeam(team);
            return keys.rotate(team, caller);
        });
    }

    public KeyInfo info(Caller caller, String team) {
        if (!caller.may(Right.READ_KEYS)) {
            throw caller.forbidden(Right.READ_KEYS);
        }
        requireTeam(team);
        return keys.info(team).orElseThrow(() -> ProblemException.notFound(
                "team " + team + " has no key yet: it is created by the team's first encrypt"));
    }

    /** A fresh 256-bit data key, returned wrapped (and in plaintext when {@code withPlaintext}). */
    public DataKeyResponse datakey(Caller caller, String team, DataKeyRequest request, boolean withPlaintext) {
        String context = request == null ? null : request.context();
        return audited(caller, Right.DATAKEY, Action.DATAKEY, team, context, false, trail -> {
            List<FieldError> errors = new ArrayList<>();
            checkTeam(errors, team);
            checkContext(errors, context);
            if (!errors.isEmpty()) {
                throw ProblemException.invalid(errors);
            }
            byte[] key = Random.randBytes(Envelope.DATA_KEY_BYTES);
            try {
                TeamKeys.Kek kek = keys.newest(team, caller);
                trail.keyVersion = kek.version();
                return new DataKeyResponse(seal(kek, context, key).format(), kek.version(),
                        withPlaintext ? Base64.getEncoder().encodeToString(key) : null);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        });
    }

    private static VaultCiphertext seal(TeamKeys.Kek kek, String context, byte[] plaintext) {
        try {
            return Envelope.seal(kek.aead(), kek.team(), kek.version(), context, plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed: " + e.getClass().getSimpleName());
        }
    }

    private byte[] open(String team, VaultCiphertext ciphertext, String context) throws DecryptFailure {
        if (!ciphertext.team().equals(team)) {
            throw DecryptFailure.wrongTeam(ciphertext.team(), team);
        }
        Aead kek = keys.version(team, ciphertext.keyVersion())
                .orElseThrow(() -> DecryptFailure.unknownKeyVersion(team, ciphertext.keyVersion()));
        return Envelope.open(kek, ciphertext, context);
    }

    private static VaultCiphertext validCiphertext(String team, CiphertextRequest request) throws DecryptFailure {
        List<FieldError> errors = new ArrayList<>();
        checkTeam(errors, team);
        checkContext(errors, request == null ? null : request.context());
        if (request == null || request.ciphertext() == null || request.ciphertext().isEmpty()) {
            errors.add(new FieldError("ciphertext", "is required: vault:v1:<team>:<keyVersion>:<wrapped key>.<data>"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return VaultCiphertext.parse(request.ciphertext());
    }

    private byte[] plaintext(List<FieldError> errors, String base64) {
        if (base64 == null) {
            errors.add(new FieldError("plaintext", "is required (base64)"));
            return null;
        }
        // 4 base64 characters per 3 bytes: refuse before decoding what would be too large anyway.
        if (base64.length() > (config.maxPlaintextBytes() + 2L) / 3 * 4) {
            errors.add(new FieldError("plaintext", "is larger than " + config.maxPlaintextBytes() + " bytes"));
            return null;
        }
        byte[] plaintext;
        try {
            plaintext = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            // Never quote the value or the decoder's message (it names the offending character).
            errors.add(new FieldError("plaintext", "is not valid base64"));
            return null;
        }
        if (plaintext.length > config.maxPlaintextBytes()) {
            Arrays.fill(plaintext, (byte) 0);
            errors.add(new FieldError("plaintext", "is larger than " + config.maxPlaintextBytes() + " bytes"));
            return null;
        }
        return plaintext;
    }

    private static void checkTeam(List<FieldError> errors, String team) {
        if (!Names.validTeam(team)) {
            errors.add(new FieldError("team", Names.TEAM_RULE));
        }
    }

    private static void checkContext(List<FieldError> errors, String context) {
        if (!Names.validContext(context)) {
            errors.add(new FieldError("context", Names.CONTEXT_RULE));
        }
    }

    private static void requireTeam(String team) {
        List<FieldError> errors = new ArrayList<>();
        checkTeam(errors, team);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    /** Key versions an audited call learns as it goes. */
    private static final class Trail {
        Integer keyVersion;
        Integer newKeyVersion;
    }

    @FunctionalInterface
    private interface Call<T> {
        T run(Trail trail) throws DecryptFailure;
    }

    /**
     * Runs {@code call} if {@code caller} has {@code right}, and leaves exactly one audit row: DENIED,
     * FAILED (with the error the caller saw) or OK. If the OK row cannot be written the call fails,
     * and its result (possibly plaintext) is dropped.
     */
    private <T> T audited(Caller caller, Right right, Action action, String team, String context,
                          boolean successRecordedByCall, Call<T> call) {
        Trail trail = new Trail();
        if (!caller.may(right)) {
            ProblemException denied = caller.forbidden(right);
            audit.record(event(caller, action, team, context, trail, Result.DENIED, denied.getMessage()));
            throw denied;
        }
        T result;
        try {
            result = call.run(trail);
        } catch (DecryptFailure failure) {
            audit.record(event(caller, action, team, context, trail, Result.FAILED, failure.getMessage()));
            throw new ProblemException(failure.reason().type(), 400, failure.reason().title(), failure.getMessage(),
                    List.of());
        } catch (ProblemException problem) {
            audit.record(event(caller, action, team, context, trail, Result.FAILED, problem.getMessage()));
            throw problem;
        } catch (RuntimeException unexpected) {
            try {
                audit.record(event(caller, action, team, context, trail, Result.FAILED,
                        "internal error (" + unexpected.getClass().getSimpleName() + ")"));
            } catch (RuntimeException auditFailed) {
                unexpected.addSuppressed(auditFailed);
            }
            throw unexpected;
        }
        if (!successRecordedByCall) {
            audit.record(event(caller, action, team, context, trail, Result.OK, null));
        }
        return result;
    }

    private static AuditLog.Event event(Caller caller, Action action, String team, String context, Trail trail,
                                        Result result, String error) {
        return new AuditLog.Event(caller.name(), action, team, trail.keyVersion, trail.newKeyVersion, context, result,
                error);
    }
}
