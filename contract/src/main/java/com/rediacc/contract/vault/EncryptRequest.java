package com.rediacc.contract.vault;

/** {@code plaintext} is base64. */
public record EncryptRequest(String context, String plaintext) {
}
