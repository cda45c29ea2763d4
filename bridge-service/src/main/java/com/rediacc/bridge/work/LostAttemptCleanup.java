package com.rediacc.bridge.work;

import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.bridge.ssh.AttemptProcesses;
import com.rediacc.bridge.ssh.SessionShare;
import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.bridge.ssh.SshSessions;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.contract.bridge.LostAttempts;
import org.jboss.logging.Logger;

/**
 * Ends the remote commands of a machine's lost attempts (their bridge died or was cut off) and tells
 * the queue, which only then fails or re-queues their tasks (docs/adr/0004). Whatever fails here is
 * logged and left: the queue asks again, and settles the task itself once its wait has run out.
 */
final class LostAttemptCleanup {
    private static final Logger LOG = Logger.getLogger(LostAttemptCleanup.class);

    private final TaskQueue queue;
    private final SshSessions ssh;
    private final CredentialStore credentials;

    LostAttemptCleanup(TaskQueue queue, SshSessions ssh, CredentialStore credentials) {
        this.queue = queue;
        this.ssh = ssh;
        this.credentials = credentials;
    }

    void endLostAttempts(String machine) {
        try {
            LostAttempts lost = queue.lostAttempts(machine);
            if (lost.attempts().isEmpty()) {
                return;
            }
            try (SessionShare share = ssh.acquire(lost.machine(), credentials.keyPair(lost.team(), lost.machine()))) {
                for (LostAttempt attempt : lost.attempts()) {
                    AttemptProcesses.Outcome outcome = share.endAttemptProcesses(attempt.remotePid(), attempt.attemptToken());
                    if (!outcome.ended()) {
                        LOG.warnf("task %s: lost attempt on %s not ended (%s); the queue asks again", attempt.taskId(),
                                machine, outcome);
                        continue;
                    }
                    LOG.infof("task %s: lost attempt on %s: %s", attempt.taskId(), machine, outcome);
                    queue.lostAttemptEnded(attempt, outcome == AttemptProcesses.Outcome.KILLED);
                }
            }
        } catch (TaskQueue.QueueUnavailable | SshFailure | CredentialStore.CredentialException e) {
            LOG.warnf("cannot end the lost attempts on %s now; the queue asks again: %s", machine, e.getMessage());
        }
    }
}
