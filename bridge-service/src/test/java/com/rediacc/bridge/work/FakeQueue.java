package com.rediacc.bridge.work;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.jboss.logging.MDC;
import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.HeartbeatReply;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.contract.bridge.LostAttempts;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A queue-service in memory: hands out the tasks made ready per machine, records what the bridge
 * reports, and answers heartbeats as told (by default: all output stored, no cancel).
 */
final class FakeQueue implements TaskQueue {
    record Claim(String machine, int max) {
    }

    record Beat(UUID taskId, int offset, String chunk, Long pid) {
    }

    record Ended(LostAttempt attempt, boolean killed) {
    }

    @FunctionalInterface
    interface HeartbeatAnswer {
        Optional<HeartbeatReply> answer(Beat beat) throws QueueUnavailable;
    }

    private final Map<String, Deque<ClaimedTask>> ready = new ConcurrentHashMap<>();
    private final Map<String, LostAttempts> lost = new ConcurrentHashMap<>();
    private final Deque<HeartbeatAnswer> heartbeatAnswers = new ConcurrentLinkedDeque<>();
    private final Map<String, Integer> partitions = new ConcurrentHashMap<>();
    private final AtomicInteger claimFailures = new AtomicInteger();
    private final AtomicInteger readyMachinesFailures = new AtomicInteger();
    private final AtomicInteger finishFailures = new AtomicInteger();
    private volatile QueueUnavailable startFailure;
    private volatile boolean startRefused;
    private volatile QueueUnavailable lostAttemptsFailure;
    private volatile boolean tellsWorkLeft;

    final List<Claim> claims = new CopyOnWriteArrayList<>();
    final List<List<Integer>> readyMachinesAsked = new CopyOnWriteArrayList<>();
    final List<Beat> heartbeats = new CopyOnWriteArrayList<>();
    final List<UUID> started = new CopyOnWriteArrayList<>();
    final List<Ended> lostAttemptsEnded = new CopyOnWriteArrayList<>();
    final AtomicInteger finishCalls = new AtomicInteger();
    /** What each report (start, heartbeat, finish) was made under: its log fields and its span. */
    final List<Report> reports = new CopyOnWriteArrayList<>();

    record Report(String call, Map<String, Object> logFields, SpanContext span) {
        static Report of(String call) {
            return new Report(call, Map.copyOf(MDC.getMap()), Span.current().getSpanContext());
        }
    }
    private final Map<UUID, CompletableFuture<AttemptResult>> results = new ConcurrentHashMap<>();
    private final Map<UUID, CompletableFuture<Void>> releases = new ConcurrentHashMap<>();
    /** How each released task was given back: the reason (null: the bridge is stopping) and the delay. */
    final Map<UUID, Released> givenBack = new ConcurrentHashMap<>();

    record Released(String reason, Duration retryAfter) {
    }

    static HeartbeatAnswer cancelRequested() {
        return beat -> Optional.of(new HeartbeatReply(true, stored(beat)));
    }

    static HeartbeatAnswer leaseLost() {
        return beat -> Optional.empty();
    }

    static HeartbeatAnswer unreachable() {
        return beat -> {
            throw new QueueUnavailable("queue-service unreachable: connection refused", null);
        };
    }

    /** The queue kept {@code outputLength} characters of output in all. */
    static HeartbeatAnswer storedUpTo(int outputLength) {
        return beat -> Optional.of(new HeartbeatReply(false, outputLength));
    }

    private static int stored(Beat beat) {
        return beat.offset() + beat.chunk().codePointCount(0, beat.chunk().length());
    }

    void ready(String machine, ClaimedTask... tasks) {
        ready.computeIfAbsent(machine, m -> new ConcurrentLinkedDeque<>()).addAll(List.of(tasks));
    }

    /** Machine {@code machine} is dispatched on {@code partition}. */
    void onPartition(String machine, int partition) {
        partitions.put(machine, partition);
    }

    void failNextReadyMachines(int count) {
        readyMachinesFailures.set(count);
    }

    /** Claims say whether ready work is left after them; by default they cannot tell (an older queue-service). */
    void tellWhetherWorkIsLeft() {
        tellsWorkLeft = true;
    }

    void failNextClaims(int count) {
        claimFailures.set(count);
    }

    void failStart(QueueUnavailable failure) {
        startFailure = failure;
    }

    void refuseStart() {
        startRefused = true;
    }

    void answerNextHeartbeat(HeartbeatAnswer answer) {
        heartbeatAnswers.add(answer);
    }

    void failNextFinishes(int count) {
        finishFailures.set(count);
    }

    void lostAttemptsToEnd(LostAttempts attempts) {
        lost.put(attempts.machine().name(), attempts);
    }

    void failLostAttempts(QueueUnavailable failure) {
        lostAttemptsFailure = failure;
    }

    /** Completes when the task's result was recorded. */
    CompletableFuture<AttemptResult> result(UUID taskId) {
        return results.computeIfAbsent(taskId, id -> new CompletableFuture<>());
    }

    boolean hasResult(UUID taskId) {
        return result(taskId).isDone();
    }

    /** Completes when the task was given back. */
    CompletableFuture<Void> released(UUID taskId) {
        return releases.computeIfAbsent(taskId, id -> new CompletableFuture<>());
    }

    List<Beat> heartbeatsOf(UUID taskId) {
        return heartbeats.stream().filter(beat -> beat.taskId().equals(taskId)).toList();
    }

    @Override
    public List<String> readyMachines(List<Integer> asked, int partitionCount) throws QueueUnavailable {
        readyMachinesAsked.add(asked);
        if (readyMachinesFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new QueueUnavailable("queue-service answered 503 to /ready-machines", null);
        }
        return ready.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty() && asked.contains(partitions.get(e.getKey())))
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public Claimed claim(String machine, List<String> tags, int max) throws QueueUnavailable {
        claims.add(new Claim(machine, max));
        if (claimFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new QueueUnavailable("queue-service answered 503 to /claims", null);
        }
        Deque<ClaimedTask> tasks = ready.getOrDefault(machine, new ArrayDeque<>());
        List<ClaimedTask> claimed = new ArrayList<>();
        while (claimed.size() < max && !tasks.isEmpty()) {
            claimed.add(tasks.poll());
        }
        return new Claimed(claimed, !tellsWorkLeft || !tasks.isEmpty());
    }

    @Override
    public boolean start(ClaimedTask task) throws QueueUnavailable {
        if (startFailure != null) {
            throw startFailure;
        }
        if (startRefused) {
            return false;
        }
        started.add(task.taskId());
        reports.add(Report.of("start"));
        return true;
    }

    @Override
    public Optional<HeartbeatReply> heartbeat(ClaimedTask task, int outputOffset, String outputChunk, Long remotePid)
            throws QueueUnavailable {
        Beat beat = new Beat(task.taskId(), outputOffset, outputChunk, remotePid);
        heartbeats.add(beat);
        reports.add(Report.of("heartbeat"));
        HeartbeatAnswer answer = heartbeatAnswers.poll();
        return answer == null ? Optional.of(new HeartbeatReply(false, stored(beat))) : answer.answer(beat);
    }

    @Override
    public boolean release(ClaimedTask task, String reason, Duration retryAfter) {
        givenBack.put(task.taskId(), new Released(reason, retryAfter));
        released(task.taskId()).complete(null);
        return true;
    }

    @Override
    public boolean finish(ClaimedTask task, AttemptResult result) throws QueueUnavailable {
        finishCalls.incrementAndGet();
        if (finishFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new QueueUnavailable("queue-service unreachable: connection refused", null);
        }
        reports.add(Report.of("finish"));
        result(task.taskId()).complete(result);
        return true;
    }

    @Override
    public LostAttempts lostAttempts(String machine) throws QueueUnavailable {
        if (lostAttemptsFailure != null) {
            throw lostAttemptsFailure;
        }
        return lost.getOrDefault(machine, new LostAttempts(null, null, List.of()));
    }

    @Override
    public boolean lostAttemptEnded(LostAttempt attempt, boolean killed) {
        lostAttemptsEnded.add(new Ended(attempt, killed));
        return true;
    }

    /** Presences told, in order. */
    final List<BridgePresence> presences = new CopyOnWriteArrayList<>();

    @Override
    public void presence(BridgePresence presence) {
        presences.add(presence);
    }
}
