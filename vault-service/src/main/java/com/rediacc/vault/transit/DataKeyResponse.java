package com.rediacc.vault.transit;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A new 256-bit data key: {@code ciphertext} is a vault ciphertext of the key (decrypt it with the
 * same team and context to get it back); {@code plaintext} (base64) only from {@code datakey/plaintext}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataKeyResponse(String ciphertext, int keyVersion, String plaintext) {
}
