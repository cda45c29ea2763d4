package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The config file (YAML):
 * <pre>
 * current-profile: default
 * profiles:
 *   default:
 *     url: http://127.0.0.1:8080
 *     token: ...
 * </pre>
 * Resolution, strongest first: --url/--token flags, REDIACC_URL/REDIACC_TOKEN, then the profile
 * (--profile, else REDIACC_PROFILE, else current-profile, else "default").
 */
final class Config {
    static final String DEFAULT_PROFILE = "default";
    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    record Profile(String url, String token) {
    }

    /** What a command talks to, and where each part came from (for messages). */
    record Resolved(String url, String token, String profile, String urlSource, String tokenSource) {
    }

    final Path file;
    String currentProfile;
    final Map<String, Profile> profiles = new LinkedHashMap<>();

    private Config(Path file) {
        this.file = file;
    }

    static Config load(Path file) {
        Config config = new Config(file);
        if (!Files.exists(file)) {
            return config;
        }
        try {
            JsonNode root = YAML.readTree(file.toFile());
            if (root == null || root.isMissingNode() || root.isNull()) {
                return config;
            }
            if (!root.isObject()) {
                throw new CliException("config file " + file + " is not a YAML mapping");
            }
            config.currentProfile = text(root.get("current-profile"));
            root.path("profiles").properties().forEach(entry -> config.profiles.put(entry.getKey(),
                    new Profile(text(entry.getValue().get("url")), text(entry.getValue().get("token")))));
            return config;
        } catch (IOException e) {
            throw new CliException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    void save() {
        ObjectNode root = YAML.createObjectNode();
        if (currentProfile != null) {
            root.put("current-profile", currentProfile);
        }
        ObjectNode all = root.putObject("profiles");
        profiles.forEach((name, profile) -> {
            ObjectNode node = all.putObject(name);
            if (profile.url() != null) {
                node.put("url", profile.url());
            }
            if (profile.token() != null) {
                node.put("token", profile.token());
            }
        });
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".config", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            YAML.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot write config file " + file + ": " + e.getMessage());
        }
    }

    /** The profile named by the flag or REDIACC_PROFILE (it must exist), else the current one. */
    String profileName(String flagProfile, Map<String, String> env) {
        if (flagProfile != null) {
            return flagProfile;
        }
        String fromEnv = env.get("REDIACC_PROFILE");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return currentProfile != null ? currentProfile : DEFAULT_PROFILE;
    }

    Resolved resolve(String flagUrl, String flagToken, String flagProfile, Map<String, String> env) {
        String name = profileName(flagProfile, env);
        boolean explicit = flagProfile != null || (env.get("REDIACC_PROFILE") != null && !env.get("REDIACC_PROFILE").isBlank());
        Profile profile = profiles.get(name);
        if (profile == null && explicit) {
            throw new CliException("no profile '" + name + "' in " + file,
                    "profiles: " + (profiles.isEmpty() ? "(none)" : String.join(", ", profiles.keySet()))
                            + "; create one with: rediacc login --profile " + name + " --url URL", CliException.USAGE);
        }
        String url = flagUrl;
        String urlSource = "--url";
        if (url == null) {
            url = blankToNull(env.get("REDIACC_URL"));
            urlSource = "REDIACC_URL";
        }
        if (url == null && profile != null) {
            url = profile.url();
            urlSource = "profile " + name + " in " + file;
        }
        String token = flagToken;
        String tokenSource = "--token";
        if (token == null) {
            token = blankToNull(env.get("REDIACC_TOKEN"));
            tokenSource = "REDIACC_TOKEN";
        }
        if (token == null && profile != null) {
            token = profile.token();
            tokenSource = "profile " + name + " in " + file;
        }
        if (url == null) {
            throw new CliException("no server URL configured",
                    "pass --url, set REDIACC_URL, or run: rediacc login --url http://HOST:PORT", CliException.FAILED);
        }
        if (token == null) {
            tokenSource = null;
        }
        return new Resolved(url, token, profile == null ? null : name, urlSource, tokenSource);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
