package com.rediacc.bridge.ssh;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OutputCollectorTest {
    @Test
    void keepsEverythingUnderTheCap() {
        OutputCollector out = new OutputCollector(10);
        out.write("hello".getBytes(StandardCharsets.UTF_8), 0, 5);
        assertThat(out.text()).isEqualTo("hello");
        assertThat(out.truncated()).isFalse();
    }

    @Test
    void dropsAndCountsBeyondTheCap() {
        OutputCollector out = new OutputCollector(4);
        out.write("abcdef".getBytes(StandardCharsets.UTF_8), 0, 6);
        out.write('g');
        assertThat(out.truncated()).isTrue();
        assertThat(out.text()).startsWith("abcd\n[output truncated: 3 more bytes after the first 4]");
    }

    @Test
    void completeTextHoldsBackAPartialCharacter() {
        OutputCollector out = new OutputCollector(100);
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // 3 bytes
        out.write("a".getBytes(StandardCharsets.UTF_8), 0, 1);
        out.write(euro, 0, 2);
        assertThat(out.completeText()).isEqualTo("a");
        out.write(euro, 2, 1);
        assertThat(out.completeText()).isEqualTo("a€");
    }
}
