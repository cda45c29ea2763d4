package com.rediacc.bridge.work;

import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.bridge.ssh.ExecResult;
import com.rediacc.bridge.ssh.RunningCommand;
import com.rediacc.bridge.ssh.SessionShare;
import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.bridge.ssh.SshSessions;
import com.rediacc.bridge.vault.VaultDecryptor;
import com.rediacc.contract.bridge.AttemptOutcome;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.MachineConnection;
import com.rediacc.contract.bridge.HeartbeatReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One attempt of one claimed task: log in, report PROCESSING, run, report the result. Never throws:
 * every failure ends as a reported result, or (queue unreachable) as a lease left to expire.
 * {@link #heartbeat()} is called periodically from another thread: it renews the lease, streams
 * new output, and kills the command when the task was cancelled or the lease was lost.
 */
final class TaskAttempt {
    private static final Logger LOG = Logger.getLogger(TaskAttempt.class);

    private final ClaimedTask task;
    private final TaskQueue queue;
    private final SshSessions ssh;
    private final CredentialStore credentials;
    private final VaultDecryptor vault;
    private final int maxOutputBytes;
    private final Duration reportRetryFor;
    private final RetryClock retryClock;
    private final BooleanSupplier accepting;
    private final UnavailableBackoff vaultBackoff;
    private final AttemptTrace trace;

    private volatile RunningCommand running;
    private volatile boolean cancelled;
    private volatile boolean leaseLost;
    /** The command's channel is closed: a refused heartbeat must not kill its process group id any more. */
    private volatile boolean commandEnded;
    /** The remote process group, until the queue has stored it; then null. */
    private volatile Long pidToReport;
    private int outputSent;
    /** The result reported to the queue (the attempt's span ends with it), or null. */
    private AttemptResult reported;

    /** {@code accepting}: false once the bridge stops taking work; a task not started by then is given back. */
    TaskAttempt(ClaimedTask task, TaskQueue queue, SshSessions ssh, CredentialStore credentials, VaultDecryptor vault,
                WorkSettings settings, RetryClock retryClock, BooleanSupplier accepting, UnavailableBackoff vaultBackoff,
                Tracer tracer) {
        this.task = task;
        this.queue = queue;
        this.ssh = ssh;
        this.credentials = credentials;
        this.vault = vault;
        this.maxOutputBytes = settings.maxOutputBytes();
        this.reportRetryFor = settings.reportRetryFor();
        this.retryClock = retryClock;
        this.accepting = accepting;
        this.vaultBackoff = vaultBackoff;
        this.trace = new AttemptTrace(tracer, task);
    }

    ClaimedTask task() {
        return task;
    }

    /** The attempt, traced and logged under the task (AttemptTrace). */
    void run() {
        try (Scope ignored = trace.enter()) {
            LOG.debugf("task %s: attempt %d on %s", task.taskId(), task.attempt(), task.machine().name());
            attempt();
        } finally {
            trace.end(reported);
        }
    }

    private void attempt() {
        byte[] stdin;
        try {
            stdin = task.vaultData() != null ? vault.decrypt(task.team(), task.vaultDataContext(), task.vaultData())
                    : task.stdin() != null ? task.stdin().getBytes(StandardCharsets.UTF_8) : null;
        } catch (VaultDecryptor.VaultFailure e) {
            if (e.unavailable()) {
                giveBack("vault: vaultData: " + e.getMessage());
            } else {
                report(notRun("vault: vaultData: " + e.getMessage()));
            }
            return;
        }
        try {
            SessionShare share;
            try {
                share = ssh.acquire(task.machine(), identityId(task), credentials.identity(task.team(), task.machine()));
            } catch (SshFailure e) {
                if (e.kind() == SshFailure.Kind.CREDENTIAL_UNAVAILABLE) {
                    giveBack(e.getMessage());
                } else {
                    report(notRun(e.getMessage()));
                }
                return;
            }
            vaultBackoff.reset();
            try (share) {
                runOn(share, stdin);
            }
        } finally {
            if (stdin != null) {
                Arrays.fill(stdin, (byte) 0);
            }
        }
    }

    /** The credential's version: sessions logged in with it are shared, a rotated key gets new ones. */
    private static String identityId(ClaimedTask task) {
        MachineConnection machine = task.machine();
        return machine.credentialContext() != null ? machine.credentialContext()
                : machine.credential() + "#" + java.util.Objects.hashCode(machine.credentialCiphertext());
    }

    /** {@code stdin}: the decrypted vaultData (or the task's plain stdin), handed to the command, or null. */
    private void runOn(SessionShare share, byte[] stdin) {
        if (!accepting.getAsBoolean()) {
            release();
            return;
        }
        try {
            if (!queue.start(task)) {
                LOG.infof("task %s: lease lost before start (cancelled or reassigned); not running it", task.taskId());
                return;
            }
        } catch (TaskQueue.QueueUnavailable e) {
            LOG.warnf("task %s: cannot report start, not running it; its lease will expire: %s", task.taskId(), e.getMessage());
            return;
        }
        AttemptResult result = null;
        Span exec = trace.exec();
        try (Scope ignored = exec.makeCurrent()) {
            running = share.start(task.command(), task.environment() == null ? Map.of() : task.environment(), maxOutputBytes,
                    stdin, task.attemptToken(), this::remotePidKnown);
            result = await(running);
        } catch (SshFailure e) {
            String error = e.getMessage();
            AttemptOutcome outcome = AttemptOutcome.FAILED;
            if (e.kind() == SshFailure.Kind.CONNECTION_LOST) {
                // The command may still run on the machine: the queue has it ended before it settles the task.
                share.discardSession();
                MachineConnection machine = task.machine();
                error = "machine '" + machine.name() + "' (" + machine.host() + ":" + machine.port() + "): " + error;
                outcome = running == null ? AttemptOutcome.FAILED : AttemptOutcome.CONNECTION_LOST;
            }
            RunningCommand partial = running;
            result = new AttemptResult(task.leaseToken(), outcome, null,
                    partial == null ? "" : partial.output(), partial != null && partial.outputTruncated(), error);
        } finally {
            commandEnded = true;
            if (running != null) {
                running.close();
            }
            AttemptTrace.ended(exec, result);
        }
        if (leaseLost) {
            LOG.warnf("task %s: lease lost while running; command killed, result not reported", task.taskId());
            return;
        }
        report(result);
    }

    private AttemptResult await(RunningCommand command) throws SshFailure {
        Duration timeout = task.timeoutSeconds() == null ? null : Duration.ofSeconds(task.timeoutSeconds());
        ExecResult exec = command.await(timeout);
        if (exec == null) {
            command.kill();
            return new AttemptResult(task.leaseToken(), AttemptOutcome.FAILED, null, command.output(),
                    command.outputTruncated(), "timed out after " + task.timeoutSeconds() + " s; remote process killed");
        }
        if (cancelled) {
            return new AttemptResult(task.leaseToken(), AttemptOutcome.CANCELLED, exec.exitCode(), exec.output(),
                    exec.outputTruncated(), "cancelled while running");
        }
        if (exec.succeeded()) {
            return new AttemptResult(task.leaseToken(), AttemptOutcome.SUCCEEDED, 0, exec.output(), exec.outputTruncated(), null);
        }
        String error = exec.exitCode() != null ? "exit " + exec.exitCode() : "killed by signal " + exec.exitSignal();
        return new AttemptResult(task.leaseToken(), AttemptOutcome.FAILED, exec.exitCode(), exec.output(),
                exec.outputTruncated(), error);
    }

    /**
     * The remote process group goes to the queue with the next periodic heartbeat (repeated until
     * stored), so that another bridge can end the command if this one is lost (docs/adr/0004). Not
     * at once: most commands end before the first heartbeat, and a request per task only for that
     * cost a fifth of the stack's calls. A bridge lost before it reported the pid leaves the cleanup
     * to find the attempt's groups by the token on their leader.
     */
    private void remotePidKnown(long pid) {
        pidToReport = pid;
    }

    /** Renews the lease, streams output, reports the remote pid; kills the command on cancel or a lost lease. */
    void heartbeat() {
        try (Scope ignored = trace.enter()) {
            beat();
        }
    }

    private void beat() {
        RunningCommand command = running;
        Long pid = pidToReport;
        String chunk = "";
        int offset;
        synchronized (this) {
            offset = outputSent;
            if (command != null) {
                String soFar = command.outputSoFar();
                int codePoints = soFar.codePointCount(0, soFar.length());
                if (codePoints > offset) {
                    chunk = soFar.substring(soFar.offsetByCodePoints(0, offset));
                }
            }
        }
        Optional<HeartbeatReply> reply;
        try {
            reply = queue.heartbeat(task, offset, chunk, pid);
        } catch (TaskQueue.QueueUnavailable e) {
            LOG.warnf("task %s: heartbeat failed: %s", task.taskId(), e.getMessage());
            return;
        }
        if (reply.isEmpty()) {
            leaseLost = true;
            if (command != null && !commandEnded) {
                command.kill();
            }
            return;
        }
        synchronized (this) {
            outputSent = reply.get().outputLength();
        }
        if (pid != null) {
            pidToReport = null;
        }
        if (reply.get().cancelRequested() && command != null && !cancelled) {
            cancelled = true;
            LOG.infof("task %s: cancelled, killing the remote process", task.taskId());
            command.kill();
        }
    }

    private AttemptResult notRun(String error) {
        return new AttemptResult(task.leaseToken(), AttemptOutcome.NOT_RUN, null, "", false, error);
    }

    private void release() {
        try {
            queue.release(task, null, Duration.ZERO);
        } catch (TaskQueue.QueueUnavailable e) {
            LOG.warnf("task %s: cannot release it, its lease will expire: %s", task.taskId(), e.getMessage());
        }
    }

    /**
     * What the attempt needs could not be had for now (vault-service unavailable): the command never
     * ran and nothing was wrong with the task, so it goes back without using an attempt or a retry,
     * for the back-off's delay. Unreported (queue unreachable), its lease expires to the same effect.
     */
    private void giveBack(String reason) {
        Duration retryAfter = vaultBackoff.next();
        LOG.warnf("task %s: not run, given back for %s: %s", task.taskId(), retryAfter, reason);
        try {
            if (!queue.release(task, reason, retryAfter)) {
                LOG.warnf("task %s: give-back refused, the lease was lost meanwhile", task.taskId());
            }
        } catch (TaskQueue.QueueUnavailable e) {
            LOG.warnf("task %s: cannot give it back, its lease will expire: %s", task.taskId(), e.getMessage());
        }
    }

    /** Reports the result, retrying while the queue-service is unreachable. */
    private void report(AttemptResult result) {
        reported = result;
        Instant giveUp = retryClock.now().plus(reportRetryFor);
        long backoffMillis = 200;
        while (true) {
            try {
                if (!queue.finish(task, result)) {
                    LOG.warnf("task %s: result rejected, the lease was lost meanwhile", task.taskId());
                } else {
                    LOG.debugf("task %s: reported %s (exit code %s)", task.taskId(), result.outcome(), result.exitCode());
                }
                return;
            } catch (TaskQueue.QueueUnavailable e) {
                if (retryClock.now().isAfter(giveUp)) {
                    LOG.errorf("task %s: giving up reporting its result after %s: %s", task.taskId(), reportRetryFor,
                            e.getMessage());
                    return;
                }
                retryClock.sleep(Duration.ofMillis(backoffMillis));
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }
}
