package com.rediacc.vault.api;

/** One offending field of a rejected request. */
public record FieldError(String field, String message) {
}
