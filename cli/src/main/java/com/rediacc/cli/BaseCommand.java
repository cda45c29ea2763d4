package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/** A command that does something: access to the API, the printer and the streams. */
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    Rediacc root() {
        return (Rediacc) spec.root().userObject();
    }

    ApiClient api() {
        return root().api();
    }

    Printer printer() {
        return root().printer();
    }

    PrintStream out() {
        return root().terminal.out();
    }

    PrintStream err() {
        return root().terminal.err();
    }

    /** A progress or status note on stderr, unless --quiet or a JSON/YAML output. */
    void note(String message) {
        if (!root().quiet) {
            err().println(message);
        }
    }

    /** For a table of a list: how to ask for the next page, if there is one. */
    void nextPageNote(JsonNode page) {
        if (!printer().structured() && page.hasNonNull("nextCursor")) {
            note("more: --cursor " + page.get("nextCursor").asText());
        }
    }

    /** A created or changed resource: its id when quiet, the document for JSON/YAML, else {@code message} on stdout. */
    void printResult(JsonNode resource, String idField, String message) {
        Printer printer = printer();
        if (printer.quiet || printer.structured()) {
            printer.object(resource, idField, List.of());
        } else {
            out().println(message);
        }
    }

    /** A resource whose state changed: the document for JSON/YAML, else {@code message} as a note. */
    void printChange(JsonNode resource, String message) {
        if (printer().structured()) {
            printer().document(resource);
        } else {
            note(message);
        }
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    @Override
    public final Integer call() throws Exception {
        return run();
    }

    abstract int run() throws Exception;

    /** A command that only groups subcommands: without one it is a usage error (exit 2). */
    abstract static class Group implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "missing subcommand: one of " + String.join(", ", spec.subcommands().keySet()));
        }
    }

    static String path(String first, String... rest) {
        StringBuilder path = new StringBuilder("/").append(ApiClient.encode(first));
        for (String part : rest) {
            path.append('/').append(ApiClient.encode(part));
        }
        return path.toString();
    }
}
