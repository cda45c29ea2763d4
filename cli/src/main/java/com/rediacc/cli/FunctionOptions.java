package com.rediacc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * What a task runs when it is not a --command: a function of its machine's team, at its newest or a
 * given version, with param values (a picocli mixin of {@code create task} and {@code group create}).
 */
final class FunctionOptions {
    @Option(names = "--function", paramLabel = "NAME",
            description = "instead of --command: run this function of the machine's team (see: rediacc function list)")
    String function;

    @Option(names = "--version", paramLabel = "N", description = "with --function: this version of it (default: its newest)")
    Integer version;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "with --function: a param value (repeat for more); sent as text, the server checks it "
                    + "against the param's type (int: 42, bool: true or false, enum: one of its values)")
    List<String> params;

    /**
     * Puts {@code command} or the function into {@code body}: exactly one of them. Checked before
     * anything is read or sent; a function takes no --vault-file (its secrets are secret params).
     */
    void into(BaseCommand command, ObjectNode body, String shellCommand, TaskOptions options) {
        if (shellCommand == null && function == null) {
            throw command.usage("missing required option: --command or --function");
        }
        if (shellCommand != null && function != null) {
            throw command.usage("use --command or --function, not both");
        }
        if (function == null) {
            if (version != null) {
                throw command.usage("--version goes with --function only");
            }
            if (params != null) {
                throw command.usage("--param goes with --function only (a command takes no params)");
            }
            body.put("command", shellCommand);
            return;
        }
        if (version != null && version < 1) {
            throw command.usage("--version must be 1 or more");
        }
        if (options != null && options.vaultFile != null) {
            throw command.usage("--vault-file does not go with --function: a function takes its secrets as secret params "
                    + "(--param NAME=VALUE)");
        }
        ObjectNode values = Inputs.params(command, params == null ? List.of() : params);
        body.put("function", function);
        if (version != null) body.put("version", version);
        if (!values.isEmpty()) body.set("params", values);
    }
}
