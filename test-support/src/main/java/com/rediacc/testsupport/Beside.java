package com.rediacc.testsupport;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Work a test runs beside its own thread, on a new thread of its own. Not on the common
 * fork-join pool: its threads carry the system class loader, not the one Quarkus runs the test
 * in, so a service lookup there (RestAssured's Jackson modules) finds classes of the other loader
 * ("BlackbirdModule not a subtype", seen in CI).
 */
public final class Beside {
    private Beside() {
    }

    public static <T> CompletableFuture<T> supply(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, command -> Thread.ofPlatform().daemon().start(command));
    }
}
