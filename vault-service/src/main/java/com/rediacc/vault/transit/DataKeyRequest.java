package com.rediacc.vault.transit;

/** Body of {@code datakey}: the context the new data key is bound to. */
public record DataKeyRequest(String context) {
}
