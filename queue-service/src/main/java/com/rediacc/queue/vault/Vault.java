package com.rediacc.queue.vault;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.api.Waiting;
import com.rediacc.contract.vault.CiphertextResponse;
import com.rediacc.contract.vault.EncryptRequest;
import com.rediacc.contract.vault.KeyInfo;
import com.rediacc.web.ProblemException;
import com.rediacc.web.Unavailable;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.util.Base64;

/**
 * Encryption through vault-service. queue-service can encrypt but never decrypt: plaintext it is
 * given is encrypted before anything is stored, and only bridges can turn it back.
 */
@Singleton
public class Vault {
    private static final Logger LOG = Logger.getLogger(Vault.class);

    @Inject
    @RestClient
    VaultClient client;

    /** This service's identity towards vault-service (env REDIACC_VAULT_QUEUE_TOKEN). */
    @Inject
    QueueConfig config;

    /** Contexts bind a ciphertext to what it belongs to; a ciphertext moved elsewhere does not decrypt. */
    public static String taskContext(java.util.UUID taskId) {
        return "task:" + taskId;
    }

    public static String secretContext(String team, String name, int version) {
        return "secret:" + team + "/" + name + "/" + version;
    }

    public Uni<CiphertextResponse> encrypt(String team, String context, byte[] plaintext) {
        return call("encrypt", client.encrypt(bearer(), team,
                new EncryptRequest(context, Base64.getEncoder().encodeToString(plaintext))));
    }

    public Uni<KeyInfo> rotate(String team) {
        return call("rotate", client.rotate(bearer(), team));
    }

    public Uni<com.fasterxml.jackson.databind.JsonNode> audit(String team, String since, String cursor, int limit) {
        return call("list its audit trail", client.audit(bearer(), team, since, cursor, limit));
    }

    private <T> Uni<T> call(String action, Uni<T> call) {
        return Waiting.onVault(call.ifNoItem().after(config.vault().timeout()).fail()
                .onFailure().transform(e -> unavailable(action, e)));
    }

    private String bearer() {
        return "Bearer " + config.vault().queueToken().orElseThrow(() -> new ProblemException(503, "Vault not configured",
                "queue-service has no vault-service token (rediacc.vault.queue-token); nothing was stored"));
    }

    private static Throwable unavailable(String action, Throwable cause) {
        if (cause instanceof ProblemException) {
            return cause;
        }
        // The cause may describe the request; it never contains the plaintext (sent base64 in the body only).
        LOG.warnf("vault-service could not %s: %s", action, cause.getClass().getSimpleName());
        return Unavailable.of(Unavailable.VAULT_SERVICE, "could not " + action + "; nothing was stored, try again");
    }
}
