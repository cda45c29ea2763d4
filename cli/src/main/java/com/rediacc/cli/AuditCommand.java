package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The audit log: who did what, when, with which result; with --vault, every use of a team's keys. */
@Command(name = "audit", description = "Show the audit log (team ADMIN): every mutating call, oldest first; "
        + "--vault shows vault-service's trail of a team's key use (every decrypt by a bridge, rotation, ...).",
        footer = {"", "Examples:",
                "  rediacc audit --team Production --since 1h",
                "  rediacc audit --actor alice --action task.cancel --since 2026-01-01T00:00:00Z -o json",
                "  rediacc audit --vault --team Production --since 1d"})
final class AuditCommand extends BaseCommand {
    @Option(names = "--vault", description = "vault-service's key-use trail of --team instead of the API calls")
    boolean vault;

    @Option(names = "--team", paramLabel = "TEAM")
    String team;

    @Option(names = "--since", paramLabel = "TIME", description = "ISO-8601 time, or a duration back from now (e.g. 1h, 7d)")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "ISO-8601 time, or a duration back from now")
    String until;

    @Option(names = "--actor", paramLabel = "USER")
    String actor;

    @Option(names = "--action", paramLabel = "ACTION")
    String action;

    @Option(names = "--limit", paramLabel = "N")
    Integer limit;

    @Option(names = "--cursor", paramLabel = "CURSOR")
    String cursor;

    @Override
    int run() {
        if (vault) {
            return vaultTrail();
        }
        JsonNode page = api().get("/audit", ApiClient.params("team", team, "since", time(since, "--since"),
                "until", time(until, "--until"), "actor", actor, "action", action, "limit", limit, "cursor", cursor));
        printer().list(page, page.path("items"), "id", List.of(
                Printer.Column.field("AT", "at"), Printer.Column.field("ACTOR", "actor"), Printer.Column.field("TEAM", "team"),
                Printer.Column.field("ACTION", "action"), Printer.Column.status("RESULT", "result"),
                Printer.Column.field("STATUS", "status"), Printer.Column.flex("TARGET", a -> Printer.text(a.get("target")))),
                List.of(Printer.Column.field("REQUEST", "requestId"), Printer.Column.field("ID", "id")));
        nextPageNote(page);
        return 0;
    }

    private int vaultTrail() {
        if (team == null) {
            throw usage("--vault needs --team: vault-service keeps its trail per team");
        }
        if (until != null || actor != null || action != null) {
            throw usage("--vault takes only --team, --since, --limit and --cursor");
        }
        JsonNode page = api().get("/audit/vault", ApiClient.params("team", team, "since", time(since, "--since"),
                "limit", limit, "cursor", cursor));
        printer().list(page, page.path("items"), "id", List.of(
                Printer.Column.field("AT", "at"), Printer.Column.field("CALLER", "caller"),
                Printer.Column.field("ACTION", "action"), Printer.Column.field("KEY", "keyVersion"),
                Printer.Column.status("RESULT", "result"), Printer.Column.flex("CONTEXT", a -> Printer.text(a.get("context")))),
                List.of(Printer.Column.field("ERROR", "error"), Printer.Column.field("ID", "id")));
        nextPageNote(page);
        return 0;
    }

    private String time(String value, String option) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value).toString();
        } catch (DateTimeParseException notInstant) {
            try {
                return Instant.now().minusSeconds(Durations.seconds(value)).toString();
            } catch (RuntimeException notDuration) {
                throw usage(option + " takes an ISO-8601 time (2026-01-31T12:00:00Z) or a duration (1h, 7d); got '" + value + "'");
            }
        }
    }
}
