package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Saves a server URL and token as a profile of the config file, after checking them. */
@Command(name = "login",
        description = {"Check a server URL and token, and save them as a profile in the config file (mode 600).",
                "The URL comes from --url (or REDIACC_URL, or the profile already saved); the token from --token,",
                "--token-stdin, REDIACC_TOKEN, or a prompt."},
        footer = {"", "Examples:",
                "  rediacc login --url http://127.0.0.1:8080            # asks for the token",
                "  echo \"$TOKEN\" | rediacc login --url https://rediacc.example.com --token-stdin --profile prod",
                "  rediacc --profile prod list queue"})
final class LoginCommand extends BaseCommand {
    @Option(names = "--token-stdin", description = "read the token from standard input")
    boolean tokenStdin;

    @Override
    int run() throws IOException {
        Rediacc root = root();
        Config config = root.config();
        String profileName = root.profile != null ? root.profile : config.profileName(null, root.terminal.env());
        Config.Profile existing = config.profiles.get(profileName);
        String url = root.url != null ? root.url : root.terminal.env("REDIACC_URL");
        if (url == null && existing != null) {
            url = existing.url();
        }
        if (url == null) {
            throw usage("no server URL: pass --url http://HOST:PORT");
        }
        String token = root.token;
        if (tokenStdin) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(root.terminal.in(), StandardCharsets.UTF_8));
            token = reader.readLine();
            token = token == null ? null : token.trim();
        }
        if (token == null) {
            token = root.terminal.env("REDIACC_TOKEN");
        }
        if (token == null) {
            Console console = System.console();
            if (console == null || !root.terminal.tty()) {
                throw usage("no token: pass --token, --token-stdin or REDIACC_TOKEN (no terminal to ask on)");
            }
            char[] typed = console.readPassword("Token for %s: ", url);
            token = typed == null ? null : new String(typed).trim();
        }
        if (token == null || token.isEmpty()) {
            throw usage("empty token");
        }
        ApiClient api = new ApiClient(url, token);
        String who;
        try {
            JsonNode me = api.get("/users/me");
            who = me.path("name").asText() + (me.path("globalAdmin").asBoolean() ? " (global admin)" : "");
        } catch (ApiException e) {
            if (e.status != 404) {
                throw e;
            }
            // A server without /users/me: any authenticated read proves the token.
            api.get("/tasks", ApiClient.params("limit", 1));
            who = null;
        }
        config.profiles.put(profileName, new Config.Profile(url, token));
        config.currentProfile = profileName;
        config.save();
        note("logged in to " + url + (who == null ? "" : " as " + who) + "; saved as profile " + profileName
                + " in " + config.file);
        return 0;
    }
}
