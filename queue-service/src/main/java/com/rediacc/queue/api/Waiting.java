package com.rediacc.queue.api;

import com.rediacc.web.Unavailable;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an API call is waiting on when its {@link Deadline} passes: vault-service while one of its
 * vault calls is pending, else PostgreSQL. Kept in the call's own Vert.x context.
 */
public final class Waiting {
    private static final String VAULT_CALLS = Waiting.class.getName() + ".vault";

    private Waiting() {
    }

    /** {@code call}, counted as a vault-service call of the current API call while it is pending. */
    public static <T> Uni<T> onVault(Uni<T> call) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return call;
        }
        // Not undone on cancellation: a call cancelled by its deadline was still waiting on the vault.
        return Uni.createFrom().deferred(() -> {
            vaultCalls(context).incrementAndGet();
            return call;
        }).onItemOrFailure().invoke(() -> vaultCalls(context).decrementAndGet());
    }

    /** The dependency a call made on {@code context} (may be null) is waiting on. */
    static String dependency(Context context) {
        AtomicInteger vault = context == null ? null : context.getLocal(VAULT_CALLS);
        return vault != null && vault.get() > 0 ? Unavailable.VAULT_SERVICE : Unavailable.POSTGRESQL;
    }

    private static AtomicInteger vaultCalls(Context context) {
        AtomicInteger calls = context.getLocal(VAULT_CALLS);
        if (calls == null) {
            calls = new AtomicInteger();
            context.putLocal(VAULT_CALLS, calls);
        }
        return calls;
    }
}
