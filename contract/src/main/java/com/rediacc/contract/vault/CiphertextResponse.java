package com.rediacc.contract.vault;

/**
 * A self-describing ciphertext: {@code vault:v1:<team>:<keyVersion>:<wrapped data key>.<data>}
 * (both parts base64url), bound to its team and context.
 */
public record CiphertextResponse(String ciphertext, int keyVersion) {
}
