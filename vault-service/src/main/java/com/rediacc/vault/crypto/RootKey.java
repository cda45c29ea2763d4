package com.rediacc.vault.crypto;

import com.google.crypto.tink.Aead;
import com.rediacc.vault.VaultConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The root key, loaded at startup: without a usable one the service does not start (the error
 * names {@value RootKeys#PROPERTY} and {@value RootKeys#ENV}).
 */
@Startup
@ApplicationScoped
public class RootKey {
    private static final Logger LOG = Logger.getLogger(RootKey.class);

    @Inject
    VaultConfig config;

    private Aead aead;

    @PostConstruct
    void load() {
        RootKeys.Loaded loaded;
        try {
            loaded = RootKeys.load(config.rootKeyFile(), config.generateRootKey());
        } catch (RootKeyException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        if (loaded.generated()) {
            LOG.warnf("generated a new vault root key at %s (%s=true: for a dev stack and tests only). Every team"
                    + " key, and so every secret, is encrypted under it: losing the file loses them all.",
                    loaded.file(), RootKeys.GENERATE_PROPERTY);
        } else {
            LOG.infof("vault root key loaded from %s", loaded.file());
        }
        aead = loaded.aead();
    }

    /** Encrypts and decrypts the team keys' keysets, nothing else. */
    public Aead aead() {
        return aead;
    }
}
