package com.rediacc.bridge.ssh;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PidCaptureTest {
    @Test
    void takesThePidLineAndPassesTheRest() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PidCapture capture = new PidCapture(out);
        byte[] bytes = "rediacc-pid:4242\nwarning: x\n".getBytes(StandardCharsets.US_ASCII);
        capture.write(bytes, 0, 5);
        capture.write(bytes, 5, bytes.length - 5);
        assertThat(capture.pid()).isEqualTo(4242L);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("warning: x\n");
    }

    @Test
    void leavesOtherFirstLinesAlone() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PidCapture capture = new PidCapture(out);
        byte[] bytes = "sh: syntax error\nmore".getBytes(StandardCharsets.US_ASCII);
        capture.write(bytes, 0, bytes.length);
        assertThat(capture.pid()).isNull();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("sh: syntax error\nmore");
    }

    @Test
    void longFirstLineIsPassedThroughWhole() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PidCapture capture = new PidCapture(out);
        String line = "x".repeat(200) + "\n";
        capture.write(line.getBytes(StandardCharsets.US_ASCII), 0, line.length());
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(line);
    }
}
