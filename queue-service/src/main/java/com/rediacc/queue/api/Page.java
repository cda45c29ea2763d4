package com.rediacc.queue.api;

import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;

import java.util.ArrayList;
import java.util.List;

/** One page of a list; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
    static final int DEFAULT_SIZE = 100;
    static final int MAX_SIZE = 1000;

    /** The page size asked for ({@code limit}), or the default; a bad one is added to {@code errors}. */
    public static int size(Integer limit, List<FieldError> errors) {
        int size = limit == null ? DEFAULT_SIZE : limit;
        if (size < 1 || size > MAX_SIZE) {
            errors.add(new FieldError("limit", "must be between 1 and " + MAX_SIZE));
        }
        return size;
    }

    /** As above, for a list whose only parameter to check is {@code limit}. */
    public static int size(Integer limit) {
        List<FieldError> errors = new ArrayList<>();
        int size = size(limit, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return size;
    }
}
