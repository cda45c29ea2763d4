package com.rediacc.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders kustomizations with {@code kubectl kustomize} (KUBECTL, else the PATH; ./dev/test sets KUBECTL,
 * dev/lib/kubectl.sh). Never skips: without a usable kubectl the
 * manifests are unchecked, so every caller fails.
 */
final class Kubectl {
    /** kubectl 1.20 and older bundle kustomize v2, which cannot take a directory in {@code resources:}. */
    private static final int MIN_MINOR = 21;

    private static Path binary;

    private Kubectl() {
    }

    /** Renders the kustomization in {@code dir}; fails on any error or warning. */
    static String kustomize(Path dir) {
        Output out = run(List.of(binary().toString(), "kustomize", dir.toString()));
        if (out.exit != 0 || !out.stderr.isBlank()) {
            throw new AssertionError("kubectl kustomize " + dir + " exited " + out.exit + ":\n" + out.stderr);
        }
        return out.stdout;
    }

    static synchronized Path binary() {
        if (binary == null) {
            Path found = find();
            checkVersion(found);
            binary = found;
        }
        return binary;
    }

    private static Path find() {
        String configured = System.getenv("KUBECTL");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new AssertionError("KUBECTL=" + configured + " is not an executable file");
            }
            return path;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path path = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        throw new AssertionError("kubectl not found on PATH: the manifests are checked by rendering them with"
                + " `kubectl kustomize` (kubectl 1." + MIN_MINOR + " or newer; or set KUBECTL to its path)");
    }

    private static void checkVersion(Path kubectl) {
        Output out = run(List.of(kubectl.toString(), "version", "--client", "-o", "json"));
        if (out.exit != 0) {
            throw new AssertionError(kubectl + " version --client exited " + out.exit + ":\n" + out.stderr);
        }
        JsonNode version;
        try {
            version = new ObjectMapper().readTree(out.stdout);
        } catch (IOException e) {
            throw new AssertionError(kubectl + " version --client -o json printed no JSON: " + out.stdout, e);
        }
        String gitVersion = version.path("clientVersion").path("gitVersion").asText("?");
        String minor = version.path("clientVersion").path("minor").asText("").replaceAll("\\D.*", "");
        if (minor.isEmpty() || Integer.parseInt(minor) < MIN_MINOR) {
            throw new AssertionError(kubectl + " is kubectl " + gitVersion + ", whose kustomize cannot render these"
                    + " kustomizations; install kubectl 1." + MIN_MINOR + " or newer (or set KUBECTL to one)");
        }
        System.out.printf("rendering with %s %s (kustomize %s)%n", kubectl, gitVersion,
                version.path("kustomizeVersion").asText("?"));
    }

    record Output(int exit, String stdout, String stderr) {
    }

    private static Output run(List<String> command) {
        return run(command, new File("/dev/null"));
    }

    /** Runs {@code command} with {@code input} as its stdin, for at most 60 s. */
    static Output run(List<String> command, File input) {
        try {
            Path stderr = Files.createTempFile("kubectl", ".stderr");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(input))
                        .redirectError(stderr.toFile())
                        .start();
                String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
                }
                return new Output(process.exitValue(), stdout, Files.readString(stderr));
            } finally {
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }
}
