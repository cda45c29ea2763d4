package com.rediacc.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Prints a shell completion script. */
@Command(name = "completion", description = "Print a completion script for bash or zsh.",
        footer = {"", "Examples:",
                "  source <(rediacc completion bash)                      # this shell",
                "  rediacc completion bash > ~/.local/share/bash-completion/completions/rediacc",
                "  rediacc completion zsh > \"${fpath[1]}/_rediacc\"       # zsh (uses bashcompinit)"})
final class CompletionCommand extends BaseCommand {
    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Override
    int run() {
        out().print(AutoComplete.bash("rediacc", spec.root().commandLine()));
        out().flush();
        return 0;
    }
}
