package com.rediacc.contract.vault;

/** Body of decrypt and rewrap: the ciphertext and the context it was encrypted in. */
public record CiphertextRequest(String context, String ciphertext) {
}
