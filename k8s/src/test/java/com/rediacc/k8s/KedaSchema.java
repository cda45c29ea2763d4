package com.rediacc.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * KEDA's own schema: the validators of the npm package @kubernetes-models/keda (generated from KEDA's Go
 * API types; types, formats and required fields, not unknown fields, which the strict {@link ScaledObject}
 * model refuses), run with node by validate-keda.mjs. REDIACC_K8S_MODELS names its node_modules
 * (./dev/test sets it, dev/lib/k8s-models.sh). Never skips: without it KEDA's objects are unchecked.
 */
final class KedaSchema {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KedaSchema() {
    }

    /** What KEDA's schema finds wrong in {@code objects} ("Kind name: /path message"), empty if nothing. */
    static List<String> problems(List<JsonNode> objects) {
        try {
            Path input = Files.createTempFile("keda", ".json");
            try {
                JSON.writeValue(input.toFile(), objects);
                Path script = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                        .resolve("src/test/resources/validate-keda.mjs");
                Kubectl.Output out = Kubectl.run(List.of("node", script.toString(), models().toString()), input.toFile());
                if (out.exit() != 0) {
                    throw new AssertionError("node validate-keda.mjs exited " + out.exit() + ":\n" + out.stderr());
                }
                List<String> problems = new ArrayList<>();
                JSON.readTree(out.stdout()).forEach(p -> problems.add(p.asText()));
                return problems;
            } finally {
                Files.deleteIfExists(input);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot validate KEDA objects: " + e.getMessage(), e);
        }
    }

    private static Path models() {
        String configured = System.getenv("REDIACC_K8S_MODELS");
        Path models = configured != null && !configured.isBlank() ? Path.of(configured)
                : ManifestsTest.ROOT.resolve(".dev/tools/k8s-models/node_modules");
        if (!Files.isDirectory(models.resolve("@kubernetes-models/keda"))) {
            throw new AssertionError("no @kubernetes-models/keda in " + models + ": KEDA's objects are checked with it;"
                    + " run ./dev/test, or: ROOT=$PWD; source dev/lib/k8s-models.sh; rediacc_k8s_models");
        }
        return models;
    }
}
