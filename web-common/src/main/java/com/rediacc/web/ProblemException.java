package com.rediacc.web;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Ends a request with a problem response. Thrown by domain code for expected failures. */
public class ProblemException extends RuntimeException {
    private final String type;
    private final int status;
    private final String title;
    private final List<FieldError> errors;
    private final Duration retryAfter;

    public ProblemException(String type, int status, String title, String detail, List<FieldError> errors) {
        this(type, status, title, detail, errors, null);
    }

    /** With {@code retryAfter}, the response tells the client when to try again ({@code Retry-After}). */
    public ProblemException(String type, int status, String title, String detail, List<FieldError> errors,
                            Duration retryAfter) {
        // No stack trace: an expected failure is answered, never logged.
        super(detail, null, false, false);
        this.type = type;
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    public ProblemException(int status, String title, String detail) {
        this("about:blank", status, title, detail, List.of());
    }

    public static ProblemException invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.getFirst().field() + ": " + errors.getFirst().message()
                : "the request has " + errors.size() + " invalid fields";
        return new ProblemException("about:blank", 400, "Invalid request", detail, errors);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    /** 503: a dependency is down or missing; the answer says when to ask again (Retry-After). */
    public static ProblemException unavailable(String title, String detail, Duration retryAfter) {
        return new ProblemException("about:blank", 503, title, detail, List.of(), retryAfter);
    }

    /** When to ask again, for a Retry-After header; empty when the failure says nothing about it. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public Problem toProblem() {
        return new Problem(type, title, status, getMessage(), errors);
    }

    public int status() {
        return status;
    }
}
