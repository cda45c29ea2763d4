package com.rediacc.vault.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}. {@code type} names the
 * kind of vault failure ({@code urn:rediacc:vault:...}) so callers can tell them apart without
 * parsing {@code detail}. A detail never contains plaintext or key material.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";
}
