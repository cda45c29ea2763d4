package com.rediacc.bridge.work;

import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.bridge.queue.QueueClient;
import com.rediacc.bridge.ssh.ExecResult;
import com.rediacc.bridge.ssh.RemoteCommand;
import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.bridge.ssh.SshSessionPool;
import com.rediacc.contract.bridge.AttemptOutcome;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.ClaimedTask;
import org.apache.sshd.client.session.ClientSession;
import org.jboss.logging.Logger;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;

/**
 * One attempt of one claimed task: log in, report PROCESSING, run, report the result. Never throws:
 * every failure ends as a reported result, or (queue unreachable) as a lease left to expire.
 */
final class TaskAttempt {
    private static final Logger LOG = Logger.getLogger(TaskAttempt.class);

    private final ClaimedTask task;
    private final QueueClient queue;
    private final SshSessionPool ssh;
    private final CredentialStore credentials;
    private final int maxOutputBytes;
    private final Duration reportRetryFor;

    TaskAttempt(ClaimedTask task, QueueClient queue, SshSessionPool ssh, CredentialStore credentials,
                int maxOutputBytes, Duration reportRetryFor) {
        this.task = task;
        this.queue = queue;
        this.ssh = ssh;
        this.credentials = credentials;
        this.maxOutputBytes = maxOutputBytes;
        this.reportRetryFor = reportRetryFor;
    }

    void run() {
        ClientSession session;
        try {
            KeyPair identity = credentials.keyPair(task.machine().credential());
            session = ssh.session(task.machine(), identity);
        } catch (CredentialStore.CredentialException e) {
            report(notRun(e.getMessage()));
            return;
        } catch (SshFailure e) {
            report(notRun(e.getMessage()));
            return;
        }
        try {
            if (!queue.start(task)) {
                LOG.infof("task %s: lease lost before start (cancelled or reassigned); not running it", task.taskId());
                return;
            }
        } catch (QueueClient.QueueUnavailable e) {
            LOG.warnf("task %s: cannot report start, not running it; its lease will expire: %s", task.taskId(), e.getMessage());
            return;
        }
        AttemptResult result;
        try {
            ExecResult exec = RemoteCommand.run(session, task.command(), maxOutputBytes);
            result = fromExec(exec);
        } catch (SshFailure e) {
            if (e.kind() == SshFailure.Kind.CONNECTION_LOST) {
                ssh.discard(session);
            }
            result = new AttemptResult(task.leaseToken(), AttemptOutcome.FAILED, null, "", false, e.getMessage());
        }
        report(result);
    }

    private AttemptResult fromExec(ExecResult exec) {
        if (exec.succeeded()) {
            return new AttemptResult(task.leaseToken(), AttemptOutcome.SUCCEEDED, 0, exec.output(), exec.outputTruncated(), null);
        }
        String error = exec.exitCode() != null ? "exit " + exec.exitCode() : "killed by signal " + exec.exitSignal();
        return new AttemptResult(task.leaseToken(), AttemptOutcome.FAILED, exec.exitCode(), exec.output(),
                exec.outputTruncated(), error);
    }

    private AttemptResult notRun(String error) {
        return new AttemptResult(task.leaseToken(), AttemptOutcome.NOT_RUN, null, "", false, error);
    }

    /** Reports the result, retrying while the queue-service is unreachable. */
    private void report(AttemptResult result) {
        Instant giveUp = Instant.now().plus(reportRetryFor);
        long backoffMillis = 200;
        while (true) {
            try {
                if (!queue.finish(task, result)) {
                    LOG.warnf("task %s: result rejected, the lease was lost meanwhile", task.taskId());
                }
                return;
            } catch (QueueClient.QueueUnavailable e) {
                if (Instant.now().isAfter(giveUp)) {
                    LOG.errorf("task %s: giving up reporting its result after %s: %s", task.taskId(), reportRetryFor,
                            e.getMessage());
                    return;
                }
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
