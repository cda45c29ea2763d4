package com.rediacc.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Supplier;

/** Loopback ports of the processes a test starts. */
public final class Ports {
    private Ports() {
    }

    /** A port nothing listens on now, as the system picks one. */
    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
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
