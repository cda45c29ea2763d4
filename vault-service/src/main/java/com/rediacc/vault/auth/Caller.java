package com.rediacc.vault.auth;

import com.rediacc.web.ProblemException;

import java.util.EnumSet;
import java.util.Set;

/** A service identity, known by its bearer token. */
public record Caller(String name, Set<Right> rights) {
    /** queue-service: writes secrets and manages keys, never reads a secret back. */
    public static final Caller QUEUE = new Caller("queue-service",
            EnumSet.of(Right.ENCRYPT, Right.REWRAP, Right.ROTATE, Right.READ_KEYS, Right.DATAKEY, Right.READ_AUDIT));
    /** bridge-service: decrypts what a task needs at run time, nothing else. */
    public static final Caller BRIDGE = new Caller("bridge", EnumSet.of(Right.DECRYPT));

    public boolean may(Right right) {
        return rights.contains(right);
    }

    public ProblemException forbidden(Right right) {
        String hint = right == Right.DECRYPT ? ": only bridges decrypt" : ": that is queue-service's";
        return ProblemException.forbidden("the " + name + " identity may not " + right.verb() + hint);
    }
}
