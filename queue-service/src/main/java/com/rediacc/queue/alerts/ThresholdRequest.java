package com.rediacc.queue.alerts;

import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;

import java.util.ArrayList;
import java.util.List;

/** The body of {@code PUT /api/v1/queue/thresholds/...}: at least one limit, none negative. */
public record ThresholdRequest(Long maxPending, Long maxPendingAgeSeconds) {
    public ThresholdRequest validated() {
        List<FieldError> errors = new ArrayList<>();
        if (maxPending == null && maxPendingAgeSeconds == null) {
            errors.add(new FieldError("maxPending", "give maxPending, maxPendingAgeSeconds or both"));
        }
        if (maxPending != null && maxPending < 0) {
            errors.add(new FieldError("maxPending", "must be 0 or more"));
        }
        if (maxPendingAgeSeconds != null && maxPendingAgeSeconds < 0) {
            errors.add(new FieldError("maxPendingAgeSeconds", "must be 0 or more"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return this;
    }
}
