package com.rediacc.bridge.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sits on the command's stderr: takes the first line, which the wrapper of {@link RemoteCommand}
 * writes with the remote shell's process id, and passes everything after it through.
 */
final class PidCapture extends OutputStream {
    static final String MARKER = "rediacc-pid:";
    private static final Pattern LINE = Pattern.compile(Pattern.quote(MARKER) + "(\\d+)");
    private static final int MAX_LINE = 64;

    private final OutputStream next;
    private final byte[] firstLine = new byte[MAX_LINE];
    private int buffered;
    private boolean passing;
    private volatile Long pid;
    private final CountDownLatch firstLineSeen = new CountDownLatch(1);

    private final LongConsumer onPid;

    PidCapture(OutputStream next) {
        this(next, pid -> { });
    }

    PidCapture(OutputStream next, LongConsumer onPid) {
        this.next = next;
        this.onPid = onPid;
    }

    Long pid() {
        return pid;
    }

    /** The process id once the first line has come (null when it was not the marker line, or on timeout). */
    Long awaitPid(Duration timeout) throws InterruptedException {
        firstLineSeen.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return pid;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        int i = 0;
        while (!passing && i < length) {
            byte b = bytes[offset + i++];
            if (b == '\n') {
                endFirstLine(false);
            } else if (buffered == MAX_LINE) {
                endFirstLine(true);
                next.write(b);
            } else {
                firstLine[buffered++] = b;
            }
        }
        if (i < length) {
            next.write(bytes, offset + i, length - i);
        }
    }

    private void endFirstLine(boolean cut) throws IOException {
        passing = true;
        Matcher matcher = LINE.matcher(new String(firstLine, 0, buffered, StandardCharsets.US_ASCII));
        if (!cut && matcher.matches()) {
            pid = Long.parseLong(matcher.group(1));
            firstLineSeen.countDown();
            onPid.accept(pid);
            return;
        }
        firstLineSeen.countDown();
        next.write(firstLine, 0, buffered);
        if (!cut) {
            next.write('\n');
        }
    }

    @Override
    public void flush() throws IOException {
        next.flush();
    }
}
