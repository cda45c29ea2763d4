package com.rediacc.testsupport;

/** Stops what a test class started, in order, each even when one before it failed. */
public final class Teardown {
    private Teardown() {
    }

    /**
     * Closes each of {@code things} in order (nulls: never started), then throws the first failure
     * with the later ones suppressed in it.
     */
    public static void closeInOrder(AutoCloseable... things) throws Exception {
        Exception first = null;
        for (AutoCloseable thing : things) {
            if (thing == null) {
                continue;
            }
            try {
                thing.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
