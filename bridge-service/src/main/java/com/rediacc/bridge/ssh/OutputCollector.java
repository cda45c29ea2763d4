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

    /**
     * The kept output so far, without a trailing incomplete UTF-8 sequence (its remaining bytes may
     * still arrive), for streaming while the command runs.
     */
    public synchronized String completeText() {
        byte[] bytes = kept.toByteArray();
        return new String(bytes, 0, completeLength(bytes), StandardCharsets.UTF_8);
    }

    static int completeLength(byte[] bytes) {
        int end = bytes.length;
        for (int back = 1; back <= 3 && end - back >= 0; back++) {
            int b = bytes[end - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: look further back for the lead byte
            }
            int needed = (b & 0x80) == 0 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return needed > back ? end - back : end;
        }
        return end;
    }
}
