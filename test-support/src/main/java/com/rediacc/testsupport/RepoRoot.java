package com.rediacc.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root directory, where dev/ (the dev stack's scripts and settings) is. */
public final class RepoRoot {
    private RepoRoot() {
    }

    /** System property {@code rediacc.root} if set, else the nearest directory above the working one that holds dev/lib. */
    public static Path path() {
        String configured = System.getProperty("rediacc.root");
        Path start = Path.of(configured != null ? configured : "").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("dev/lib/common.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no dev/lib/common.sh in " + start + " or above it: not inside the rediacc repository");
    }
}
