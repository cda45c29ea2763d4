package com.rediacc.vault.auth;

import com.rediacc.vault.VaultConfig;
import com.rediacc.web.BearerTokens;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Optional;

/** At startup: the two identities must have different tokens; a missing one is worth a warning. */
@ApplicationScoped
public class TokenCheck {
    private static final Logger LOG = Logger.getLogger(TokenCheck.class);

    @Inject
    VaultConfig config;

    void onStart(@Observes StartupEvent start) {
        Optional<String> queue = BearerTokens.usable(config.auth().queueToken());
        Optional<String> bridge = BearerTokens.usable(config.auth().bridgeToken());
        if (queue.isPresent() && queue.equals(bridge)) {
            throw new IllegalStateException("rediacc.vault.auth.queue-token and rediacc.vault.auth.bridge-token are"
                    + " the same: the bridges could encrypt and the queue-service could decrypt. Give each its own token.");
        }
        if (queue.isEmpty()) {
            LOG.warn("no rediacc.vault.auth.queue-token (env REDIACC_VAULT_AUTH_QUEUE_TOKEN): encrypt, rewrap,"
                    + " rotate, key info and audit answer 401");
        }
        if (bridge.isEmpty()) {
            LOG.warn("no rediacc.vault.auth.bridge-token (env REDIACC_VAULT_AUTH_BRIDGE_TOKEN): decrypt answers 401");
        }
    }
}
