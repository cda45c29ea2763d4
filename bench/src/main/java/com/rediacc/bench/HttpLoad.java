package com.rediacc.bench;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The enqueue load: {@code connections} HTTP/1.1 keep-alive connections, each with one request in
 * flight, driven by {@code threads} selector threads, as {@code pgbench -c N -j T} drives its
 * baseline (bench/run: 16 or 32 connections, 2 threads). Every connection sends the same request,
 * prepared once as bytes ({@link #post}); a reply costs the client its read and a few header
 * comparisons, so the figure measures the service (java.net.http took 0.2-0.4 ms of CPU a request).
 *
 * <p>{@link #sending(boolean)} starts and stops new requests; a connection whose answer arrives
 * while sending is off waits idle. Replies and failures are reported on the selector threads,
 * with the connection's index: a listener may keep per-connection state without locks.
 */
final class HttpLoad implements AutoCloseable {
    interface Listener {
        /** A complete reply; {@code sentNanos} is when its request was written (System.nanoTime). */
        void reply(int connection, int status, String body, long sentNanos, long receivedNanos);

        /** The connection failed and is closed; it sends nothing more. */
        void failure(int connection, IOException error);
    }

    private final List<Loop> loops = new ArrayList<>();
    private volatile boolean sending;
    private volatile boolean closed;

    HttpLoad(InetSocketAddress target, byte[] request, int connections, int threads, String name, Listener listener)
            throws IOException {
        for (int t = 0; t < threads; t++) {
            loops.add(new Loop(Selector.open(), request, listener));
        }
        try {
            for (int c = 0; c < connections; c++) {
                SocketChannel channel = SocketChannel.open();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(target, 5000);
                channel.configureBlocking(false);
                Loop loop = loops.get(c % threads);
                loop.connections.add(new Connection(c, channel, loop));
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        for (int t = 0; t < threads; t++) {
            Loop loop = loops.get(t);
            for (Connection connection : loop.connections) {
                connection.key = connection.channel.register(loop.selector, 0, connection);
            }
            Thread.ofPlatform().daemon().name(name + "-" + t).start(loop::run);
        }
    }

    /** A complete POST with a JSON body, to send many times. */
    static byte[] post(String host, int port, String path, String authorization, String jsonBody) {
        byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Authorization: " + authorization + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /** Starts (true) or stops (false) sending; requests in flight complete either way. */
    void sending(boolean on) {
        sending = on;
        if (on) {
            loops.forEach(loop -> loop.selector.wakeup());
        }
    }

    /** Whether no request is in flight on any connection (after {@code sending(false)}: the load has drained). */
    boolean idle() {
        for (Loop loop : loops) {
            for (Connection connection : loop.connections) {
                if (connection.inFlight) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Waits up to {@code millis} for every request in flight to be answered; whether they were. */
    boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!idle()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        sending = false;
        for (Loop loop : loops) {
            loop.selector.wakeup();
            for (Connection connection : loop.connections) {
                connection.closeQuietly();
            }
        }
    }

    private final class Loop {
        final Selector selector;
        final byte[] request;
        final Listener listener;
        final List<Connection> connections = new ArrayList<>();

        Loop(Selector selector, byte[] request, Listener listener) {
            this.selector = selector;
            this.request = request;
            this.listener = listener;
        }

        void run() {
            try {
                while (!closed) {
                    if (sending) {
                        for (Connection connection : connections) {
                            if (!connection.inFlight && connection.open()) {
                                connection.send();
                            }
                        }
                    }
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Connection connection = (Connection) key.attachment();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isWritable()) {
                            connection.flush();
                        }
                        if (key.isValid() && key.isReadable()) {
                            connection.read();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                connections.forEach(c -> c.fail(e));
            } finally {
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    /** One keep-alive connection and its reply being read. */
    private final class Connection {
        final int index;
        final SocketChannel channel;
        final Loop loop;
        SelectionKey key;
        final ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        volatile boolean inFlight;
        long sentNanos;

        Connection(int index, SocketChannel channel, Loop loop) {
            this.index = index;
            this.channel = channel;
            this.loop = loop;
            this.out = ByteBuffer.wrap(loop.request);
        }

        boolean open() {
            return channel.isOpen();
        }

        void send() {
            inFlight = true;
            out.clear();
            sentNanos = System.nanoTime();
            flush();
        }

        void flush() {
            try {
                channel.write(out);
                key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
            } catch (IOException e) {
                fail(e);
            }
        }

        void read() {
            try {
                if (!in.hasRemaining()) {
                    ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                    in.flip();
                    bigger.put(in);
                    in = bigger;
                }
                if (channel.read(in) < 0) {
                    throw new EOFException("the server closed the connection");
                }
                Reply reply = Reply.parse(in.array(), in.position());
                if (reply == null) {
                    return; // incomplete
                }
                long received = System.nanoTime();
                if (reply.end() != in.position()) {
                    throw new IOException("bytes after the reply to the only request in flight");
                }
                if (reply.closes()) {
                    throw new IOException("the server closes the connection (HTTP " + reply.status() + ")");
                }
                in.clear();
                loop.listener.reply(index, reply.status(), reply.body(), sentNanos, received);
                inFlight = false; // after the listener: awaitIdle() then sees what it recorded
                if (sending && !closed) {
                    send();
                }
            } catch (IOException e) {
                fail(e);
            }
        }

        void fail(IOException e) {
            if (!channel.isOpen()) {
                return;
            }
            closeQuietly();
            inFlight = false;
            if (!closed) {
                loop.listener.failure(index, e);
            }
        }

        void closeQuietly() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** A complete HTTP/1.1 reply in {@code bytes[0, length)}, or null while it is incomplete. */
    record Reply(int status, String body, int end, boolean closes) {
        static Reply parse(byte[] bytes, int length) throws IOException {
            int headEnd = indexOf(bytes, 0, length, "\r\n\r\n");
            if (headEnd < 0) {
                return null;
            }
            String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 ") || head.length() < 12) {
                throw new IOException("not an HTTP/1.1 response: " + QueueApi.abbreviate(head));
            }
            int status = Integer.parseInt(head.substring(9, 12));
            int contentLength = -1;
            boolean chunked = false;
            boolean closes = false;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    contentLength = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    closes = true;
                }
            }
            int bodyStart = headEnd + 4;
            if (chunked) {
                return chunked(bytes, bodyStart, length, status, closes);
            }
            if (contentLength < 0) {
                throw new IOException("response without Content-Length on a keep-alive connection (HTTP " + status + ")");
            }
            if (length < bodyStart + contentLength) {
                return null;
            }
            return new Reply(status, new String(bytes, bodyStart, contentLength, StandardCharsets.UTF_8),
                    bodyStart + contentLength, closes);
        }

        /**
         * A chunked body: the chunks are only walked (their size lines read) until the last one has
         * arrived, and copied once then; a large reply (bench/batch: about 0.5 MB per call) arrives in
         * many reads, and copying what had arrived at every read cost the client O(n^2).
         */
        private static Reply chunked(byte[] bytes, int start, int length, int status, boolean closes) {
            List<int[]> chunks = new ArrayList<>();
            int at = start;
            while (true) {
                int sizeEnd = indexOf(bytes, at, length, "\r\n");
                if (sizeEnd < 0) {
                    return null;
                }
                String sizeLine = new String(bytes, at, sizeEnd - at, StandardCharsets.ISO_8859_1);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                at = sizeEnd + 2;
                if (size == 0) {
                    int trailersEnd = indexOf(bytes, at - 2, length, "\r\n\r\n");
                    if (trailersEnd < 0) {
                        return null;
                    }
                    ByteArrayOutputStream body = new ByteArrayOutputStream(chunks.stream().mapToInt(c -> c[1]).sum());
                    chunks.forEach(c -> body.write(bytes, c[0], c[1]));
                    return new Reply(status, body.toString(StandardCharsets.UTF_8), trailersEnd + 4, closes);
                }
                if (length < at + size + 2) {
                    return null;
                }
                chunks.add(new int[] {at, size});
                at += size + 2;
            }
        }

        private static int indexOf(byte[] bytes, int from, int length, String ascii) {
            int n = ascii.length();
            outer:
            for (int i = from; i <= length - n; i++) {
                for (int j = 0; j < n; j++) {
                    if (bytes[i + j] != ascii.charAt(j)) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
