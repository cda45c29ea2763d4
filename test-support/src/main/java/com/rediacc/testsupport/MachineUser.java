package com.rediacc.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The account the test machines let in, as dev/lib/sshd.sh decides it for the dev stack's demo
 * machine too: as root, a system user of its own with a home free of dotfiles (created on first
 * use); otherwise the current user.
 */
public final class MachineUser {
    private static String name;

    private MachineUser() {
    }

    public static synchronized String name() throws IOException, InterruptedException {
        if (name == null) {
            name = askSshdScript();
        }
        return name;
    }

    /** Hands {@code path} to the machine user, when that is another user than this JVM's. */
    static void own(Path path) throws IOException {
        try {
            String user = name();
            if (!user.equals(System.getProperty("user.name"))) {
                Files.setOwner(path, path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking for the machine user", e);
        }
    }

    private static String askSshdScript() throws IOException, InterruptedException {
        Path script = RepoRoot.path().resolve("dev/lib/sshd.sh");
        Process bash = new ProcessBuilder("bash", "-c", "source \"$1\" && rediacc_sshd_login_user", "bash", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!bash.waitFor(60, TimeUnit.SECONDS) || bash.exitValue() != 0 || out.isEmpty()) {
            throw new IOException("rediacc_sshd_login_user (" + script + ") failed: " + out);
        }
        return out;
    }
}
