package com.rediacc.web;

/** One offending field of a rejected request. */
public record FieldError(String field, String message) {
}
