package com.rediacc.e2e;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Holds remote commands until the test opens it: a file in a directory the machine can read, which
 * {@link #shellWait()} polls for. A held command runs exactly as long as the test needs, however fast
 * or slow the machine is.
 */
final class Gate {
    private final Path file;

    Gate(Path dir, String name) {
        this.file = dir.resolve(name + "-" + UUID.randomUUID() + ".open");
    }

    /** Shell that returns once the gate is open. */
    String shellWait() {
        return "while [ ! -e " + file + " ]; do sleep 0.1; done";
    }

    void open() throws IOException {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException alreadyOpen) {
            // opening twice changes nothing
        }
    }
}
