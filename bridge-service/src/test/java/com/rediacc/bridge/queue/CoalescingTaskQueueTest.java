package com.rediacc.bridge.queue;

import com.rediacc.bridge.queue.TaskQueue.QueueUnavailable;
import com.rediacc.contract.bridge.AttemptOutcome;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.HeartbeatReply;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.contract.bridge.LostAttempts;
import com.rediacc.contract.bridge.MachineConnection;
import com.rediacc.contract.bridge.TaskReport;
import com.rediacc.contract.bridge.TaskReportAnswer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CoalescingTaskQueueTest {
    private static final long WAIT_SECONDS = 30;

    /** The shared call as a test drives it: each call waits for the test's answer. */
    private static final class Calls implements CoalescingTaskQueue.ReportsCall {
        final BlockingQueue<List<TaskReport>> made = new LinkedBlockingQueue<>();
        final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();

        @Override
        @SuppressWarnings("unchecked")
        public Optional<List<TaskReportAnswer>> send(List<TaskReport> reports) throws QueueUnavailable {
            made.add(reports);
            Object answer;
            try {
                answer = answers.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (answer instanceof QueueUnavailable unavailable) {
                throw unavailable;
            }
            return (Optional<List<TaskReportAnswer>>) answer;
        }

        List<TaskReport> next() throws InterruptedException {
            List<TaskReport> call = made.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(call).as("a shared call made").isNotNull();
            return call;
        }

        void answer(TaskReportAnswer... answers) {
            this.answers.add(Optional.of(List.of(answers)));
        }
    }

    /** The single calls, answered at once: accepted unless the task is in {@code refused}. */
    private static final class SingleCalls implements TaskQueue {
        final List<String> made = new ArrayList<>();
        final Set<UUID> refused = ConcurrentHashMap.newKeySet();
        volatile boolean unreachable;

        @Override
        public synchronized boolean start(ClaimedTask task) throws QueueUnavailable {
            return answer("start " + task.command(), task);
        }

        @Override
        public synchronized boolean finish(ClaimedTask task, AttemptResult result) throws QueueUnavailable {
            return answer("finish " + task.command(), task);
        }

        private boolean answer(String call, ClaimedTask task) throws QueueUnavailable {
            made.add(call);
            if (unreachable) {
                throw new QueueUnavailable("its own call: queue-service unreachable", null);
            }
            return !refused.contains(task.taskId());
        }

        synchronized List<String> made() {
            return List.copyOf(made);
        }

        @Override
        public Claimed claim(String machine, List<String> tags, int max) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> readyMachines(List<Integer> partitions, int partitionCount) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<HeartbeatReply> heartbeat(ClaimedTask task, int outputOffset, String outputChunk, Long remotePid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean release(ClaimedTask task, String reason, Duration retryAfter) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LostAttempts lostAttempts(String machine) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean lostAttemptEnded(LostAttempt attempt, boolean killed) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void presence(BridgePresence presence) {
            throw new UnsupportedOperationException();
        }
    }

    private final Calls calls = new Calls();
    private final SingleCalls single = new SingleCalls();
    private final CoalescingTaskQueue queue = new CoalescingTaskQueue(single, calls);

    @Test
    void reportsMadeWhileACallIsInFlightGoTogetherInTheNextAndEachGetsItsOwnAnswer() throws Exception {
        ClaimedTask first = task("first"), a = task("a"), b = task("b"), c = task("c");
        CompletableFuture<Boolean> firstStarted = inBackground(() -> queue.start(first));
        assertThat(calls.next()).containsExactly(TaskReport.start(first.taskId(), first.leaseToken()));

        // the first call is in flight: these three wait for it, then go in one call
        CompletableFuture<Boolean> aStarted = inBackground(() -> queue.start(a));
        CompletableFuture<Boolean> bFinished = inBackground(() -> queue.finish(b, result(b, "done\n")));
        CompletableFuture<Boolean> cStarted = inBackground(() -> queue.start(c));
        awaitPending(3);
        calls.answer(TaskReportAnswer.ACCEPTED);
        assertThat(firstStarted.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        List<TaskReport> together = calls.next();
        assertThat(together).containsExactlyInAnyOrder(TaskReport.start(a.taskId(), a.leaseToken()),
                TaskReport.finish(b.taskId(), result(b, "done\n")), TaskReport.start(c.taskId(), c.leaseToken()));
        calls.answer(together.stream().map(report -> report.taskId().equals(c.taskId())
                ? TaskReportAnswer.refused("lease is not held") : TaskReportAnswer.ACCEPTED).toArray(TaskReportAnswer[]::new));
        assertThat(aStarted.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(bFinished.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(cStarted.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("refused: the lease was lost").isFalse();
        assertThat(single.made()).isEmpty();
    }

    @Test
    void reportsOfAFailedSharedCallGoEachOnItsOwnCall() throws Exception {
        ClaimedTask a = task("a"), b = task("b");
        single.refused.add(b.taskId());
        CompletableFuture<Boolean> aStarted = inBackground(() -> queue.start(a));
        calls.next();
        calls.answers.add(new QueueUnavailable("queue-service answered 503", null));
        assertThat(aStarted.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(single.made()).containsExactly("start a");

        CompletableFuture<Boolean> bFinished = inBackground(() -> queue.finish(b, result(b, "")));
        calls.next();
        calls.answers.add(new QueueUnavailable("queue-service unreachable", null));
        assertThat(bFinished.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("its own call's answer").isFalse();
        assertThat(single.made()).containsExactly("start a", "finish b");
    }

    @Test
    void aQueueServiceThatDoesNotKnowTheCallGetsEveryReportOnItsOwnFromThenOn() throws Exception {
        ClaimedTask a = task("a"), b = task("b");
        CompletableFuture<Boolean> aStarted = inBackground(() -> queue.start(a));
        calls.next();
        calls.answers.add(Optional.empty());
        assertThat(aStarted.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(queue.finish(b, result(b, ""))).isTrue();
        assertThat(single.made()).containsExactly("start a", "finish b");
        assertThat(calls.made).isEmpty();
    }

    @Test
    void aLargeOutputAndATracedAttemptGoOnTheirOwnCalls() throws Exception {
        ClaimedTask large = task("large"), traced = task("traced");
        assertThat(queue.finish(large, result(large, "x".repeat(CoalescingTaskQueue.ALONE_OUTPUT_CHARS + 1)))).isTrue();
        SpanContext context = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getSampled(), TraceState.getDefault());
        try (Scope ignored = Span.wrap(context).makeCurrent()) {
            assertThat(queue.start(traced)).isTrue();
        }
        assertThat(single.made()).containsExactly("finish large", "start traced");
        assertThat(calls.made).isEmpty();
    }

    @Test
    void aSharedCallCarriesAtMostItsOutputBudget() throws Exception {
        ClaimedTask holder = task("holder");
        CompletableFuture<Boolean> held = inBackground(() -> queue.start(holder));
        calls.next();
        int each = CoalescingTaskQueue.ALONE_OUTPUT_CHARS;
        int fit = CoalescingTaskQueue.CALL_OUTPUT_BUDGET / each;
        List<CompletableFuture<Boolean>> finishes = new ArrayList<>();
        for (int i = 0; i <= fit; i++) {
            ClaimedTask task = task("t" + i);
            finishes.add(inBackground(() -> queue.finish(task, result(task, "y".repeat(each)))));
        }
        awaitPending(fit + 1);
        calls.answer(TaskReportAnswer.ACCEPTED);
        assertThat(held.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        List<TaskReport> second = calls.next();
        assertThat(second).hasSize(fit);
        calls.answer(second.stream().map(r -> TaskReportAnswer.ACCEPTED).toArray(TaskReportAnswer[]::new));
        assertThat(calls.next()).hasSize(1);
        calls.answer(TaskReportAnswer.ACCEPTED);
        for (CompletableFuture<Boolean> finish : finishes) {
            assertThat(finish.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void whenTheQueueIsUnreachableTheCallerHearsItFromItsOwnCall() throws Exception {
        single.unreachable = true;
        ClaimedTask a = task("a");
        CompletableFuture<Boolean> aStarted = inBackground(() -> queue.start(a));
        calls.next();
        calls.answers.add(new QueueUnavailable("queue-service unreachable", null));
        assertThatThrownBy(() -> aStarted.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(QueueUnavailable.class)
                .hasMessageContaining("its own call");
        assertThat(single.made()).containsExactly("start a");
    }

    private void awaitPending(int count) throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (queue.pending() < count) {
            assertThat(System.nanoTime()).as("%d reports handed over", count).isLessThan(deadline);
            never.await(5, TimeUnit.MILLISECONDS);
        }
    }

    private interface Report {
        boolean call() throws QueueUnavailable;
    }

    private static CompletableFuture<Boolean> inBackground(Report report) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                answer.complete(report.call());
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    private static AttemptResult result(ClaimedTask task, String output) {
        return new AttemptResult(task.leaseToken(), AttemptOutcome.SUCCEEDED, 0, output, false, null);
    }

    private static ClaimedTask task(String command) {
        MachineConnection machine = new MachineConnection("web-1", "10.0.0.7", 22, "deploy", "ssh-ed25519 AAAAC3Nza",
                "deploy-key", "ciphertext", "secret:team-a/deploy-key/1");
        return new ClaimedTask(UUID.randomUUID(), "team-a", command, null, 7, Instant.EPOCH.plusSeconds(30), machine, null,
                null, "attempt-" + command, null, Map.of(), 1, null);
    }
}
