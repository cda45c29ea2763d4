package com.rediacc.bench;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress on stderr, so long phases show they are alive; stdout stays free for results. */
final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Log() {
    }

    static void info(String format, Object... args) {
        System.err.println("bench " + LocalTime.now().format(TIME) + " " + String.format(format, args));
        System.err.flush();
    }
}
