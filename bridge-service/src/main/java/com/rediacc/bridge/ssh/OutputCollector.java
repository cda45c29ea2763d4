package com.rediacc.bridge.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * stdout and stderr of one command, interleaved as they arrive, kept up to a cap. Bytes past the
 * cap are counted, not kept.
 */
public final class OutputCollector extends OutputStream {
    private final int maxBytes;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long dropped;

    public OutputCollector(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        int room = Math.max(0, maxBytes - kept.size());
        int keep = Math.min(room, length);
        kept.write(bytes, offset, keep);
        dropped += length - keep;
    }

    public synchronized boolean truncated() {
        return dropped > 0;
    }

    /** The kept output as text; a truncated output ends with a marker line saying how much was dropped. */
    public synchronized String text() {
        String text = kept.toString(StandardCharsets.UTF_8);
        return dropped == 0 ? text
                : text + "\n[output truncated: " + dropped + " more bytes after the first " + maxBytes + "]\n";
    }
}
