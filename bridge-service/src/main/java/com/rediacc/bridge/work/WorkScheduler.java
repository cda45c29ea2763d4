package com.rediacc.bridge.work;

import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.bridge.ssh.SshSessions;
import com.rediacc.bridge.vault.VaultDecryptor;
import com.rediacc.contract.bridge.ClaimedTask;
import io.opentelemetry.api.trace.Tracer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Turns "machine M has work" signals into claims, within this bridge's capacity ({@code batch-size}
 * tasks at once). Claims are made one at a time on one thread; each claimed task runs on its own
 * virtual thread. A machine stays on the wanted list while its claims return all that was asked for
 * and the queue says ready work is left. A finished task frees a slot: its machine is claimed again
 * if its last claim said ready work was left (else only new work, which wakes it, is a reason), and
 * the wanted machines get the slot (docs/adr/0027).
 */
public final class WorkScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkScheduler.class);
    private static final Duration CLAIM_RETRY = Duration.ofSeconds(1);
    /** The longest {@link #stopClaiming} waits for a claim in flight: one queue call. */
    public static final Duration CLAIM_IN_FLIGHT_WAIT = TaskQueue.CALL_TIMEOUT.plusSeconds(1);

    private final TaskQueue queue;
    private final SshSessions ssh;
    private final CredentialStore credentials;
    private final VaultDecryptor vault;
    private final WorkSettings settings;
    private final ExecutorService claimer;
    private final Timers timers;
    private final RetryClock retryClock;
    private final Tracer tracer;

    private final Semaphore slots;
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    /** Machines whose last claim said ready work was left. Written and read on the claimer only. */
    private final Set<String> workLeft = new HashSet<>();
    private final Set<String> cleaning = ConcurrentHashMap.newKeySet();
    private final LostAttemptCleanup lostAttempts;
    private final ExecutorService runners = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("task-", 0).factory());
    private final UnavailableBackoff vaultBackoff;
    private volatile boolean accepting = true;

    /** {@code tracer}: the attempts' spans (docs/adr/0019). */
    public WorkScheduler(TaskQueue queue, SshSessions ssh, CredentialStore credentials, VaultDecryptor vault,
                         WorkSettings settings, Tracer tracer) {
        this(queue, ssh, credentials, vault, settings,
                Executors.newSingleThreadExecutor(Thread.ofVirtual().name("claimer").factory()), new ThreadTimers(),
                RetryClock.SYSTEM, tracer);
    }

    /** {@code claimer}, {@code timers} and {@code retryClock} drive it in time: tests pass ones they move by hand. */
    WorkScheduler(TaskQueue queue, SshSessions ssh, CredentialStore credentials, VaultDecryptor vault,
                  WorkSettings settings, ExecutorService claimer, Timers timers, RetryClock retryClock, Tracer tracer) {
        this.queue = queue;
        this.ssh = ssh;
        this.credentials = credentials;
        this.vault = vault;
        this.settings = settings;
        this.claimer = claimer;
        this.timers = timers;
        this.retryClock = retryClock;
        this.tracer = tracer;
        this.slots = new Semaphore(settings.batchSize());
        this.lostAttempts = new LostAttemptCleanup(queue, ssh, credentials);
        this.vaultBackoff = new UnavailableBackoff(settings.unavailableRetryMax());
    }

    /**
     * Machine {@code machine} has lost attempts: end their remote commands (one cleanup per machine at
     * a time, outside the task slots), then look for work there, as the freed slots may allow some.
     */
    public void endLostAttempts(String machine) {
        if (!accepting || !cleaning.add(machine)) {
            return;
        }
        runners.execute(() -> {
            try {
                lostAttempts.endLostAttempts(machine);
            } finally {
                cleaning.remove(machine);
                wake(machine);
            }
        });
    }

    /** Machine {@code machine} may have ready work. */
    public void wake(String machine) {
        if (!accepting) {
            return;
        }
        wanted.add(machine);
        onClaimer(this::claimWanted);
    }

    private void onClaimer(Runnable work) {
        try {
            claimer.execute(work);
        } catch (RejectedExecutionException stopped) {
            // claiming stopped after the caller looked at accepting: nothing more is claimed
        }
    }

    /**
     * Kafka just gave this bridge dispatch {@code partitions}: the wake-ups of their machines may have
     * gone to the previous owner while they moved, so look up which have ready work and claim there.
     */
    public void wakeReady(List<Integer> partitions, int partitionCount) {
        if (!accepting || partitions.isEmpty()) {
            return;
        }
        onClaimer(() -> {
            List<String> ready;
            try {
                ready = queue.readyMachines(partitions, partitionCount);
            } catch (TaskQueue.QueueUnavailable e) {
                LOG.warnf("looking up the ready machines of partitions %s failed, retrying in %s: %s", partitions,
                        CLAIM_RETRY, e.getMessage());
                timers.after(CLAIM_RETRY, () -> wakeReady(partitions, partitionCount));
                return;
            }
            LOG.debugf("partitions %s assigned: machines with ready work %s", partitions, ready);
            ready.forEach(this::wake);
        });
    }

    public int running() {
        return settings.batchSize() - slots.availablePermits();
    }

    private void claimWanted() {
        for (String machine : List.copyOf(wanted)) {
            int free = slots.availablePermits();
            if (!accepting || free == 0) {
                return; // a finishing task wakes us again
            }
            wanted.remove(machine);
            TaskQueue.Claimed claimed;
            try {
                claimed = queue.claim(machine, settings.tags(), free);
            } catch (TaskQueue.QueueUnavailable e) {
                LOG.warnf("claim for %s failed, retrying in %s: %s", machine, CLAIM_RETRY, e.getMessage());
                timers.after(CLAIM_RETRY, () -> wake(machine));
                continue;
            }
            if (claimed.readyLeft()) {
                workLeft.add(machine);
                if (claimed.tasks().size() == free) {
                    wanted.add(machine);
                }
            } else {
                workLeft.remove(machine);
            }
            for (ClaimedTask task : claimed.tasks()) {
                slots.acquireUninterruptibly();
                runners.execute(() -> runAttempt(task));
            }
        }
    }

    private void runAttempt(ClaimedTask task) {
        TaskAttempt attempt = new TaskAttempt(task, queue, ssh, credentials, vault, settings, retryClock, () -> accepting,
                vaultBackoff, tracer);
        Timers.Repeating heartbeat = timers.every(settings.heartbeatEvery(), attempt::heartbeat);
        try {
            attempt.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "task %s: unexpected failure in the bridge", task.taskId());
        } finally {
            heartbeat.cancel();
            slots.release();
            slotFreed(task.machine().name());
        }
    }

    /**
     * A task of {@code machine} ended. Decided on the claimer, after any claim in flight has said
     * whether work is left: claim the machine again only then, and give the slot to the wanted ones.
     */
    private void slotFreed(String machine) {
        if (!accepting) {
            return;
        }
        onClaimer(() -> {
            if (workLeft.contains(machine)) {
                wanted.add(machine);
            }
            claimWanted();
        });
    }

    /**
     * Stops claiming: wake-ups are ignored from now on, and a claim in flight completes (its tasks, not
     * started yet, are given back: {@link TaskAttempt}). Returns once no claim is in flight, so that the
     * bridge can leave the dispatch group knowing it claims nothing more.
     */
    public void stopClaiming() {
        accepting = false;
        claimer.shutdown();
        try {
            // one claim at most: claimWanted looks at accepting before each
            if (!claimer.awaitTermination(CLAIM_IN_FLIGHT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("a claim still in flight after %s; its tasks are given back once it returns", TaskQueue.CALL_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops claiming if not done yet, then waits up to the grace period for running tasks to finish and report. */
    @Override
    public void close() {
        stopClaiming();
        LOG.infof("stopping: no more claims; waiting up to %s for %d running task(s)", settings.shutdownGrace(), running());
        // Heartbeats go on so running tasks keep their leases while they finish.
        runners.shutdown();
        try {
            if (!runners.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("%d task(s) still running after %s; their leases will expire and the queue decides",
                        running(), settings.shutdownGrace());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.close();
    }
}
