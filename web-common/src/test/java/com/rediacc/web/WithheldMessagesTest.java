package com.rediacc.web;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class WithheldMessagesTest {
    @Test
    void keepsTypesAndFramesButNoMessage() {
        Exception original = new IllegalStateException("outer SECRET",
                new IllegalArgumentException("inner SECRET"));

        Throwable copy = WithheldMessages.of(original);

        StringWriter printed = new StringWriter();
        copy.printStackTrace(new PrintWriter(printed));
        assertThat(printed.toString())
                .doesNotContain("SECRET")
                .contains(IllegalStateException.class.getName(), IllegalArgumentException.class.getName());
        assertThat(copy.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(copy.getCause().getStackTrace()).isEqualTo(original.getCause().getStackTrace());
    }

    @Test
    void aCauseLoopEnds() {
        Exception first = new Exception("a");
        Exception second = new Exception("b", first);
        first.initCause(second);

        Throwable copy = WithheldMessages.of(second);

        int depth = 0;
        for (Throwable t = copy; t != null; t = t.getCause()) {
            depth++;
        }
        assertThat(depth).isEqualTo(11);
    }
}
