package com.rediacc.contract.vault;

/**
 * vault-service endpoints, modelled on HashiCorp Vault's transit engine. One key per team
 * ({@code {team}}); {@code context} binds a ciphertext to what it belongs to (e.g.
 * {@code task:<taskId>}, {@code secret:<team>/<name>/<version>}).
 */
public final class VaultApi {
    public static final String BASE = "/api/v1/vault/keys/{team}";
    /** queue-service only. Creates the team's key on first use. */
    public static final String ENCRYPT = "/encrypt";
    /** bridges only: everyone else gets 403. Every call is audited. */
    public static final String DECRYPT = "/decrypt";
    /** queue-service only: a new key version; old versions still decrypt. Audited. */
    public static final String ROTATE = "/rotate";
    /** queue-service only: the same plaintext under the newest key version, never exposed. */
    public static final String REWRAP = "/rewrap";
    /** GET: versions of the team's key, never key material. */
    public static final String INFO = "";

    private VaultApi() {
    }
}
