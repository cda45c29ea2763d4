package com.rediacc.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the CLI takes from its surroundings, so tests can run it in-process with their own
 * environment, config file and streams (and never touch the real ~/.config).
 *
 * @param env        environment variables (REDIACC_URL, REDIACC_TOKEN, REDIACC_PROFILE, COLUMNS, NO_COLOR, ...)
 * @param configFile the config file (profiles with URL and token)
 * @param tty        whether stdout is a terminal (colours, terminal width)
 */
public record Terminal(Map<String, String> env, Path configFile, InputStream in, PrintStream out, PrintStream err,
                       boolean tty) {

    /** The real process: System streams, environment and ~/.config/rediacc/config. */
    public static Terminal system() {
        Map<String, String> env = System.getenv();
        // bin/rediacc tells whether stdout is a terminal (Java 21 cannot see it when stdin is redirected).
        String ttyProperty = System.getProperty("rediacc.tty");
        boolean tty = ttyProperty != null ? Boolean.parseBoolean(ttyProperty) : System.console() != null;
        return new Terminal(env, defaultConfigFile(env), System.in,
                new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8), tty);
    }

    /** $REDIACC_CONFIG, else $XDG_CONFIG_HOME/rediacc/config, else ~/.config/rediacc/config. */
    static Path defaultConfigFile(Map<String, String> env) {
        String explicit = env.get("REDIACC_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return base.resolve("rediacc").resolve("config");
    }

    String env(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** Columns to fit tables in: $COLUMNS, else 0 = no limit (output to a pipe or file is not cut). */
    int width() {
        String columns = env("COLUMNS");
        if (columns != null) {
            try {
                int width = Integer.parseInt(columns.trim());
                if (width > 0) {
                    return width;
                }
            } catch (NumberFormatException ignored) {
                // not a number: no limit
            }
        }
        return tty ? 80 : 0;
    }

    /** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
    boolean colour() {
        return tty && !env.containsKey("NO_COLOR");
    }
}
