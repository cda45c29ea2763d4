package com.rediacc.bridge.ssh;

import com.rediacc.contract.bridge.LostAttempt;
import org.apache.sshd.client.session.ClientSession;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Ends the remote command of an attempt whose bridge was lost (docs/adr/0004). A process group is
 * killed only if one of its processes carries the attempt's token in its environment
 * ({@code /proc/<pid>/environ}), so a process id reused since by something else is never killed:
 * Linux does not hand out a process id while a process group of that id exists.
 */
public final class AttemptProcesses {
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9-]{1,100}");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);
    private static final String RESULT = "rediacc-lost:";

    /** What the machine says about the attempt's processes. */
    public enum Outcome {
        /** None of its processes was running. */
        NONE_RUNNING,
        /** Its process group was running and is killed now. */
        KILLED,
        /** Still running after SIGKILL (e.g. stuck in the kernel): try again later. */
        STILL_RUNNING,
        /** The machine has no /proc: the processes cannot be recognised. */
        UNSUPPORTED;

        public boolean ended() {
            return this == NONE_RUNNING || this == KILLED;
        }
    }

    private AttemptProcesses() {
    }

    /**
     * Kills process group {@code pid} if one of its processes carries {@code attemptToken}; with a
     * null pid (the lost bridge died before it reported it), every group whose leader carries it.
     * SIGTERM, then SIGKILL after 2 s, as for cancel.
     */
    public static Outcome end(ClientSession session, Long pid, String attemptToken) throws SshFailure {
        ExecResult result = RemoteCommand.run(session, "ending a lost attempt", script(pid, attemptToken), 4096,
                SCRIPT_TIMEOUT);
        String output = result.output();
        int at = output.lastIndexOf(RESULT);
        if (at < 0) {
            throw new SshFailure(SshFailure.Kind.CHANNEL, "ending a lost attempt: unexpected answer: " + output.strip(), null);
        }
        return switch (output.substring(at + RESULT.length()).strip()) {
            case "none" -> Outcome.NONE_RUNNING;
            case "killed" -> Outcome.KILLED;
            case "alive" -> Outcome.STILL_RUNNING;
            default -> Outcome.UNSUPPORTED;
        };
    }

    static String script(Long pid, String attemptToken) {
        return """
                t='%s=%s'; want='%s'
                carries() { tr '\\0' '\\n' 2>/dev/null < "/proc/$1/environ" | grep -qxF "$t"; }
                alive() { for g in $groups; do kill -0 -- "-$g" 2>/dev/null && return 0; done; return 1; }
                [ -r /proc/self/environ ] || { echo '%sunsupported'; exit 0; }
                groups=$(ps -e -o pid= -o pgid= | while read -r p g; do
                  if [ -n "$want" ]; then [ "$g" = "$want" ] || continue; else [ "$p" = "$g" ] || continue; fi
                  carries "$p" && echo "$g"; done | sort -u)
                [ -n "$groups" ] || { echo '%snone'; exit 0; }
                for g in $groups; do kill -TERM -- "-$g" 2>/dev/null; done
                i=0; while alive && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done
                for g in $groups; do kill -KILL -- "-$g" 2>/dev/null; done
                i=0; while alive && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done
                if alive; then echo '%salive'; else echo '%skilled'; fi
                """.formatted(LostAttempt.ENV, checked(attemptToken), pid == null ? "" : Long.toString(pid),
                RESULT, RESULT, RESULT, RESULT);
    }

    /** The token, which is put into shell text unquoted: letters, digits and dashes only. */
    static String checked(String attemptToken) {
        if (attemptToken == null || !TOKEN.matcher(attemptToken).matches()) {
            throw new IllegalArgumentException("not an attempt token: " + attemptToken);
        }
        return attemptToken;
    }

    /** {@code text} as one single-quoted shell word. */
    static String quoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
