package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What commands read from their options besides plain values: files (or stdin), KEY=VALUE pairs, pools. */
final class Inputs {
    private static final YAMLMapper YAML = new YAMLMapper();

    private Inputs() {
    }

    /** The text of {@code file} ({@code -}: stdin); unreadable is a usage error naming {@code option}. */
    static String text(BaseCommand command, String option, String file) {
        try {
            return file.equals("-") ? new String(command.root().terminal.in().readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new CliException("cannot read " + option + " " + file + ": " + e.getMessage(), null, CliException.USAGE);
        }
    }

    /** The JSON document in {@code file} (YAML when it is named .yaml or .yml). */
    static JsonNode document(BaseCommand command, String option, String file) {
        String text = text(command, option, file);
        String lower = file.toLowerCase(Locale.ROOT);
        boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
        try {
            JsonNode document = yaml ? YAML.readTree(text) : ApiClient.JSON.readTree(text);
            if (document == null || document.isMissingNode()) {
                throw command.usage(option + " " + file + " is empty");
            }
            return document;
        } catch (IOException e) {
            throw command.usage(option + " " + file + " is not " + (yaml ? "YAML" : "JSON") + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** {@code --param KEY=VALUE} pairs as a JSON object of strings (the server reads ints and bools from text). */
    static ObjectNode params(BaseCommand command, List<String> pairs) {
        ObjectNode params = ApiClient.JSON.createObjectNode();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw command.usage("--param '" + pair + "' is not KEY=VALUE (e.g. --param env=prod)");
            }
            String key = pair.substring(0, eq).strip();
            if (key.isEmpty()) {
                throw command.usage("--param '" + pair + "' has no name before '='");
            }
            if (params.has(key)) {
                throw command.usage("--param " + key + " is given twice");
            }
            params.put(key, pair.substring(eq + 1));
        }
        return params;
    }

    /** {@code TEAM[:TAG,TAG...]} as a selector: {@code {"team": TEAM, "tags": [...]}}. */
    static ObjectNode selector(BaseCommand command, String option, String pool) {
        int colon = pool.indexOf(':');
        String team = (colon < 0 ? pool : pool.substring(0, colon)).strip();
        if (team.isEmpty()) {
            throw command.usage(option + " '" + pool + "' names no team: give TEAM or TEAM:TAG,TAG (e.g. Production:eu,ssd)");
        }
        ObjectNode selector = ApiClient.JSON.createObjectNode().put("team", team);
        ArrayNode tags = selector.putArray("tags");
        if (colon >= 0) {
            for (String tag : pool.substring(colon + 1).split(",", -1)) {
                if (tag.isBlank()) {
                    throw command.usage(option + " '" + pool + "' has an empty tag: give TEAM:TAG,TAG (e.g. Production:eu,ssd)");
                }
                tags.add(tag.strip());
            }
        }
        return selector;
    }

    /** "Production" or "Production with tags eu, ssd", as a pool is named in messages. */
    static String describePool(JsonNode selector) {
        StringBuilder tags = new StringBuilder();
        selector.path("tags").forEach(t -> tags.append(tags.isEmpty() ? "" : ", ").append(t.asText()));
        return "team " + selector.path("team").asText() + (tags.isEmpty() ? "" : " with tags " + tags);
    }
}
