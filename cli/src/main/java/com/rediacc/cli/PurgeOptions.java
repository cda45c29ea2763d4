package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code rediacc cancel queue} by filter instead of ids: POST /api/v1/tasks/purge, called again
 * with the first answer's upTo until nothing matches (each call cancels what it can within the
 * server's call budget), with a progress line on a terminal.
 */
final class PurgeOptions {
    @Option(names = "--machine", paramLabel = "NAME", description = "tasks of this machine")
    String machine;

    @Option(names = "--team", paramLabel = "TEAM", description = "tasks of this team")
    String team;

    @Option(names = "--status", paramLabel = "STATUS", split = ",",
            description = "PENDING, ASSIGNED and/or PROCESSING (repeat or comma-separate; default: all three)")
    List<String> statuses;

    @Option(names = "--priority", paramLabel = "1-5")
    Integer priority;

    @Option(names = "--created-before", paramLabel = "WHEN",
            description = "tasks created before this instant (2026-12-01T12:00:00Z) or day (2026-12-01, UTC midnight)")
    String createdBefore;

    @Option(names = "--tag", paramLabel = "TAG", description = "tasks with this tag")
    String tag;

    @Option(names = "--all", description = "every not-ended task you may cancel (with no other filter: every team, global admins only)")
    boolean all;

    boolean given() {
        return machine != null || team != null || statuses != null || priority != null || createdBefore != null
                || tag != null || all;
    }

    /** The request body, or a usage error naming what is wrong. */
    ObjectNode body(BaseCommand command) {
        if (priority != null && (priority < 1 || priority > 5)) {
            throw command.usage("--priority must be between 1 and 5");
        }
        if (!all && machine == null && team == null && priority == null && createdBefore == null && tag == null) {
            throw command.usage("give task ids, or a filter (--machine, --team, --priority, --created-before, --tag), "
                    + "or --all");
        }
        ObjectNode body = ApiClient.JSON.createObjectNode();
        putIf(body, "machine", machine);
        putIf(body, "team", team);
        if (statuses != null) {
            statuses.forEach(body.putArray("status")::add);
        }
        if (priority != null) {
            body.put("priority", priority);
        }
        if (createdBefore != null) {
            body.put("createdBefore", instant(command, createdBefore).toString());
        }
        putIf(body, "tag", tag);
        if (all) {
            body.put("all", true);
        }
        return body;
    }

    /** Dry run: what matches now, by status. */
    JsonNode count(ApiClient api, ObjectNode body) {
        return api.post("/tasks/purge", body.deepCopy().put("dryRun", true)).body();
    }

    /** Cancels everything that matches, call after call; returns the totals, as one answer. */
    ObjectNode purge(ApiClient api, ObjectNode body, long matched, PrintStream progress, boolean tty) {
        ObjectNode request = body.deepCopy();
        ObjectNode total = ApiClient.JSON.createObjectNode().put("dryRun", false).put("cancelled", 0L)
                .put("cancelRequested", 0L).put("calls", 0);
        ObjectNode byStatus = total.putObject("byStatus");
        while (true) {
            JsonNode answer = api.post("/tasks/purge", request).body();
            total.put("upTo", answer.path("upTo").asLong());
            total.put("calls", total.path("calls").asInt() + 1);
            total.put("cancelled", total.path("cancelled").asLong() + answer.path("cancelled").asLong());
            total.put("cancelRequested", total.path("cancelRequested").asLong() + answer.path("cancelRequested").asLong());
            answer.path("byStatus").properties().forEach(e ->
                    byStatus.put(e.getKey(), byStatus.path(e.getKey()).asLong() + e.getValue().asLong()));
            boolean done = answer.path("done").asBoolean();
            total.put("done", done);
            if (tty) {
                long handled = total.path("cancelled").asLong() + total.path("cancelRequested").asLong();
                progress.print("\rcancelled " + handled + " of ~" + matched + (done ? "\n" : ""));
                progress.flush();
            }
            if (done) {
                return total;
            }
            request.put("upTo", answer.path("upTo").asLong());
        }
    }

    private static Instant instant(BaseCommand command, String value) {
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw command.usage("--created-before '" + value + "' is neither a day (2026-12-01) nor an instant "
                    + "(2026-12-01T12:00:00Z)");
        }
    }

    private static void putIf(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
