package com.rediacc.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Loopback ports of the processes a test starts. */
public final class Ports {
    /**
     * Every port handed out by this JVM. A service started a moment ago may not listen yet, and the
     * system may pick its port again for the next one (seen: a vault-service and a queue-service
     * given the same port, the queue-service's readiness then answered by the vault-service).
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** A port nothing listens on now, as the system picks one, and never one this JVM handed out before. */
    public static int free() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port} now. */
    public static boolean listening(int port) {
        return listening("127.0.0.1", port);
    }

    /** Whether something accepts connections on {@code host}:{@code port} now. */
    public static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits until {@code process} accepts connections on 127.0.0.1:{@code port}; fails at once if it
     * exits, and after {@code atMost}, with {@code diagnostics} (its log, say) either way.
     */
    public static void awaitListening(String name, Process process, int port, Duration atMost, Supplier<String> diagnostics) {
        awaitListening(name, process, "127.0.0.1", port, atMost, diagnostics);
    }

    /** As above, on {@code host}:{@code port}. */
    public static void awaitListening(String name, Process process, String host, int port, Duration atMost,
                                      Supplier<String> diagnostics) {
        Await.until(name + " listens on " + host + ":" + port, atMost, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + diagnostics.get());
            }
            return listening(host, port);
        }, diagnostics);
    }
}
