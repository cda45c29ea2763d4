package com.rediacc.queue.api;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Every call of the annotated resource or filter (each method that returns a {@code Uni}) answers
 * within {@code rediacc.database.call-deadline}, or is answered 503 "PostgreSQL is unavailable":
 * a hung database must not hang its callers (docs/adr/0016). Streams ({@code Multi}) are not bound.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Deadline {
    /**
     * A call that may rightly run long (bulk changes, a machine check with its own 45 s limit):
     * {@code rediacc.database.bulk-call-deadline} instead.
     */
    @Nonbinding
    boolean bulk() default false;
}
