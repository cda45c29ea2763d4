package com.rediacc.bench;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A machine that costs next to nothing per command, so that the queue's own cost can be seen
 * (issue 22): an SSH server in this process (Apache MINA SSHD, the bridge's library) with its own
 * host key and public-key authentication of one user, as a real machine has, that answers exec
 * requests without forking. It speaks what the bridge sends (bridge-service RemoteCommand,
 * AttemptProcesses, ResourceProbe; ADR 0002 and 0004):
 * <ul>
 *   <li>the task wrapper: {@code printf 'rediacc-pid:%s\n' "$$" >&2}, {@code export} lines (the
 *       attempt token among them), {@code exec "${SHELL:-/bin/sh}" -c '<command>'}: it answers the PID
 *       line with a made-up process id, then runs the command (below);</li>
 *   <li>cancel's {@code kill -TERM -- -<pid> ...}: ends that command (exit status 143, as a shell
 *       killed by SIGTERM);</li>
 *   <li>a lost attempt's clean-up script: ends the command carrying the attempt's token, answers
 *       {@code rediacc-lost:killed} or {@code rediacc-lost:none};</li>
 *   <li>the resource probe: a fixed load/memory/disk answer.</li>
 * </ul>
 * The command itself is a list of simple commands separated by {@code ;}, {@code &&} or new lines:
 * {@code true}, {@code :}, {@code false}, {@code exit N}, {@code echo WORDS}, {@code date +%s%N},
 * {@code sleep SECONDS} (a timer, no thread held). Anything else is answered like a shell that does
 * not know it: {@code <name>: not found} on stderr, exit status 127.
 */
final class BenchSshServer implements AutoCloseable {
    static final String PID_MARKER = "rediacc-pid:";
    static final String PROBE_ANSWER = "0.00 0.00 0.00 1/100 1000\n2\nMemTotal:  8000000 kB\nMemAvailable:  4000000 kB\n"
            + "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/bench 10000000 1000000 9000000 10% /\n";
    /** A command as the bridge wraps it (bridge-service RemoteCommand.wrap, without attempt token and environment). */
    static String bridgeWrapped(String command) {
        return "printf '" + PID_MARKER + "%s\\n' \"$$\" >&2\nexport SHLVL=$((${SHLVL:-0} + 1))\n"
                + "exec \"${SHELL:-/bin/sh}\" -c '" + command.replace("'", "'\\''") + "'";
    }

    private static final Pattern WRAPPER = Pattern.compile(
            "printf '" + PID_MARKER + "%s\\\\n' \"\\$\\$\" >&2\n((?:export [^\n]*\n)*)exec \"\\$\\{SHELL:-/bin/sh}\" -c (.*)",
            Pattern.DOTALL);
    private static final Pattern EXPORT = Pattern.compile("export ([A-Za-z_][A-Za-z0-9_]*)=(.*)");
    private static final Pattern KILL = Pattern.compile("^kill -TERM -- -(\\d+) ");
    private static final Pattern LOST = Pattern.compile("^t='([A-Za-z_][A-Za-z0-9_]*)=([A-Za-z0-9-]+)'; want='(\\d*)'");
    private static final String ATTEMPT_ENV = "REDIACC_ATTEMPT";

    private final SshServer server;
    private final String hostKeyLine;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("bench-ssh-timer").factory());
    private final AtomicLong nextPid = new AtomicLong(100_000);
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    private final AtomicLong tasksRun = new AtomicLong();

    /**
     * Listens on 127.0.0.1 and on {@code machines} more loopback addresses ({@link #address}), one
     * free port on all; {@code user} may log in with {@code userKey} only. The bridge pools one
     * session per host, port, user and key: machines on distinct addresses get their own session,
     * as real machines do.
     */
    BenchSshServer(String user, PublicKey userKey, int machines) throws Exception {
        KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        hostKeyLine = PublicKeyEntry.toString(hostKey.getPublic());
        server = SshServer.setUpDefaultServer();
        List<String> hosts = new ArrayList<>(List.of("127.0.0.1"));
        for (int i = 0; i < machines; i++) {
            hosts.add(address(i));
        }
        server.setHost(String.join(",", hosts));
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setPublickeyAuthenticator((name, key, session) -> user.equals(name) && KeyUtils.compareKeys(userKey, key));
        server.setCommandFactory((channel, command) -> new Exec(command));
        server.start();
    }

    /** The loopback address of machine {@code i} (127.1.0.1, 127.1.0.2, ...; all of 127/8 is the loopback). */
    static String address(int i) {
        return "127.1." + (i / 250) + "." + (i % 250 + 1);
    }

    int port() {
        return server.getPort();
    }

    /** The host key as a machine's {@code hostKey} is registered ({@code ssh-ed25519 AAAA...}). */
    String hostKeyLine() {
        return hostKeyLine;
    }

    /** Tasks' commands (wrapped with an attempt token: not probes, kills, clean-ups or a ceiling's commands) ended so far. */
    long tasksRun() {
        return tasksRun.get();
    }

    /** SSH sessions connected now (each bridge keeps one per machine it served lately). */
    int sessionsOpen() {
        return server.getActiveSessions().size();
    }

    @Override
    public void close() throws IOException {
        timers.shutdownNow();
        server.stop(true);
    }

    /** A command started through the task wrapper, until it ends. */
    private final class Running {
        final long pid;
        final String attemptToken;
        final Exec exec;
        ScheduledFuture<?> pending;

        Running(long pid, String attemptToken, Exec exec) {
            this.pid = pid;
            this.attemptToken = attemptToken;
            this.exec = exec;
        }
    }

    /** One exec request. */
    private final class Exec implements Command {
        private final String command;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private boolean ended;

        Exec(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            // the bridge sends no input to a task in the benchmark; what comes is dropped with the channel
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback exit) {
            this.exit = exit;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            Matcher wrapped = WRAPPER.matcher(command);
            if (!wrapped.matches()) {
                answerBridgeScript(command);
                return;
            }
            String token = null;
            for (String line : wrapped.group(1).split("\n")) {
                Matcher export = EXPORT.matcher(line);
                if (export.matches() && export.group(1).equals(ATTEMPT_ENV)) {
                    token = export.group(2);
                }
            }
            String script = unquote(wrapped.group(2));
            if (script.equals(ResourceProbeCommand.TEXT)) {
                write(out, PROBE_ANSWER);
                end(0, false);
                return;
            }
            Running self = new Running(nextPid.getAndIncrement(), token, this);
            running.put(self.pid, self);
            write(err, PID_MARKER + self.pid + "\n");
            runFrom(self, split(script), 0);
        }

        /** Runs the simple commands from {@code index} on; a sleep continues on the timer thread. */
        private void runFrom(Running self, List<String> commands, int index) {
            try {
                for (int i = index; i < commands.size(); i++) {
                    String[] words = commands.get(i).trim().split("\\s+");
                    switch (words[0]) {
                        case "", "true", ":" -> { }
                        case "false" -> {
                            endTask(self, 1);
                            return;
                        }
                        case "exit" -> {
                            endTask(self, words.length > 1 ? Integer.parseInt(words[1]) : 0);
                            return;
                        }
                        case "echo" -> write(out, commands.get(i).trim().substring(4).trim().replace("'", "").replace("\"", "") + "\n");
                        case "date" -> write(out, (System.currentTimeMillis() * 1_000_000L) + "\n");
                        case "sleep" -> {
                            long ms = (long) (Double.parseDouble(words[1]) * 1000);
                            int next = i + 1;
                            synchronized (this) {
                                if (!ended) {
                                    self.pending = timers.schedule(() -> runFrom(self, commands, next), ms, TimeUnit.MILLISECONDS);
                                }
                            }
                            return;
                        }
                        default -> {
                            write(err, words[0] + ": not found\n");
                            endTask(self, 127);
                            return;
                        }
                    }
                }
                endTask(self, 0);
            } catch (IOException | RuntimeException e) {
                endTask(self, 2);
            }
        }

        private void endTask(Running self, int status) {
            if (end(status, true)) {
                running.remove(self.pid);
                if (self.attemptToken != null) {
                    tasksRun.incrementAndGet();
                }
            }
        }

        /** Ends this channel with {@code status}, once; false when it had ended already. */
        private boolean end(int status, boolean flush) {
            synchronized (this) {
                if (ended) {
                    return false;
                }
                ended = true;
            }
            try {
                if (flush) {
                    out.flush();
                    err.flush();
                }
            } catch (IOException ignored) {
                // the channel is going away; its exit status is what matters
            }
            exit.onExit(status);
            return true;
        }

        /** Cancel's kill, a lost attempt's clean-up, or a command the benchmark does not know. */
        private void answerBridgeScript(String script) throws IOException {
            Matcher kill = KILL.matcher(script);
            Matcher lost = LOST.matcher(script);
            if (kill.find()) {
                terminate(running.get(Long.parseLong(kill.group(1))));
                end(0, false);
            } else if (lost.find()) {
                Running found = null;
                for (Running r : running.values()) {
                    if (lost.group(2).equals(r.attemptToken)
                            && (lost.group(3).isEmpty() || Long.toString(r.pid).equals(lost.group(3)))) {
                        found = r;
                    }
                }
                terminate(found);
                write(out, found == null ? "rediacc-lost:none\n" : "rediacc-lost:killed\n");
                end(0, true);
            } else {
                write(err, "bench ssh server: not a command of the bridge: " + script.lines().findFirst().orElse("") + "\n");
                end(127, true);
            }
        }

        private void terminate(Running target) {
            if (target == null) {
                return;
            }
            synchronized (target.exec) {
                if (target.pending != null) {
                    target.pending.cancel(false);
                }
            }
            target.exec.endTask(target, 143);
        }

        @Override
        public void destroy(ChannelSession channel) {
            // the channel closed (the bridge closed it, or the session broke): a running command ends with it
            for (Running r : running.values()) {
                if (r.exec == this) {
                    terminate(r);
                }
            }
        }
    }

    /** The bridge's resource probe command (bridge-service ResourceProbe.COMMAND), as it is sent. */
    static final class ResourceProbeCommand {
        static final String TEXT = "cat /proc/loadavg; nproc; grep -E '^(MemTotal|MemAvailable):' /proc/meminfo;"
                + " LC_ALL=C df -Pk /";

        private ResourceProbeCommand() {
        }
    }

    private static void write(OutputStream stream, String text) throws IOException {
        stream.write(text.getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }

    /** The simple commands of a script: split at {@code ;}, {@code &&} and new lines (no quoting rules beyond echo's). */
    static List<String> split(String script) {
        List<String> commands = new ArrayList<>();
        for (String part : script.split("\n|;|&&")) {
            if (!part.isBlank()) {
                commands.add(part.trim());
            }
        }
        return commands;
    }

    /** The text of one single-quoted shell word (the wrapper quotes the command as {@code 'it'\''s'}). */
    static String unquote(String word) {
        if (word.length() < 2 || word.charAt(0) != '\'' || word.charAt(word.length() - 1) != '\'') {
            throw new IllegalArgumentException("not a single-quoted word: " + word);
        }
        return word.substring(1, word.length() - 1).replace("'\\''", "'");
    }
}
