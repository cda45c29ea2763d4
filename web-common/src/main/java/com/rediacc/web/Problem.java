package com.rediacc.web;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}. {@code type} is
 * {@code about:blank} unless a service names a kind of failure callers should tell apart without
 * parsing {@code detail} (vault-service's {@code urn:rediacc:vault:...}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";
}
