package com.rediacc.bridge.queue;

import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.TaskReport;
import com.rediacc.contract.bridge.TaskReportAnswer;
import com.rediacc.contract.bridge.TaskReports;
import io.opentelemetry.api.trace.Span;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Starts and results reported while another report call is in flight go together in the next call
 * ({@link TaskReports}: one request and one transaction for all of them); a report made while none
 * is in flight goes at once, so nothing waits for company. Every caller still blocks for its own
 * answer, as {@link TaskQueue} says. A report goes alone, on its own call as before, when its
 * attempt is traced (its call is a span of the task's trace), when its output is large, and when a
 * shared call failed (the queue unreachable, or one that does not know {@code /reports} yet); a
 * shared call that failed is answered by each report's own call, so a failure is what it was before.
 */
public final class CoalescingTaskQueue extends ForwardingTaskQueue {
    private static final Logger LOG = Logger.getLogger(CoalescingTaskQueue.class);
    /** Output longer than this goes on its own call; a shared call carries at most {@link #CALL_OUTPUT_BUDGET} of it. */
    static final int ALONE_OUTPUT_CHARS = 64 * 1024;
    static final int CALL_OUTPUT_BUDGET = 512 * 1024;

    /** The shared call: answers in the order of the reports, empty when the queue-service does not know it. */
    public interface ReportsCall {
        Optional<List<TaskReportAnswer>> send(List<TaskReport> reports) throws QueueUnavailable;
    }

    private final ReportsCall reports;
    private final LinkedBlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private volatile boolean shared = true;

    /** A report handed to the sender; its answer: whether it was accepted, or empty when it must go on its own. */
    private record Pending(TaskReport report, CompletableFuture<Optional<Boolean>> accepted) {
        int outputChars() {
            return report.finish() == null || report.finish().output() == null ? 0 : report.finish().output().length();
        }
    }

    public CoalescingTaskQueue(TaskQueue queue, ReportsCall reports) {
        super(queue);
        this.reports = reports;
        Thread.ofVirtual().name("queue-reports").start(this::sendWhatIsPending);
    }

    @Override
    public boolean start(ClaimedTask task) throws QueueUnavailable {
        if (!alone(0)) {
            Optional<Boolean> accepted = together(TaskReport.start(task.taskId(), task.leaseToken()));
            if (accepted.isPresent()) {
                return accepted.get();
            }
        }
        return queue.start(task);
    }

    @Override
    public boolean finish(ClaimedTask task, AttemptResult result) throws QueueUnavailable {
        if (!alone(result.output() == null ? 0 : result.output().length())) {
            Optional<Boolean> accepted = together(TaskReport.finish(task.taskId(), result));
            if (accepted.isPresent()) {
                return accepted.get();
            }
        }
        return queue.finish(task, result);
    }

    private boolean alone(int outputChars) {
        return !shared || outputChars > ALONE_OUTPUT_CHARS || Span.current().getSpanContext().isValid();
    }

    /**
     * The report's answer from a shared call; empty when it must go alone. Not interruptible: once
     * handed over, the report may be sent, and a second report of it on its own would be judged
     * against what the first one did.
     */
    private Optional<Boolean> together(TaskReport report) {
        Pending waiting = new Pending(report, new CompletableFuture<>());
        pending.add(waiting);
        return waiting.accepted().join();
    }

    /** Reports handed over and not yet taken into a call. */
    int pending() {
        return pending.size();
    }

    private void sendWhatIsPending() {
        while (true) {
            List<Pending> call = new ArrayList<>();
            try {
                call.add(pending.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int budget = CALL_OUTPUT_BUDGET - call.getFirst().outputChars();
            Pending next;
            while (call.size() < TaskReports.MAX_REPORTS && (next = pending.peek()) != null && next.outputChars() <= budget) {
                budget -= next.outputChars();
                call.add(pending.poll());
            }
            send(call);
        }
    }

    private void send(List<Pending> call) {
        Optional<List<TaskReportAnswer>> answers;
        try {
            answers = reports.send(call.stream().map(Pending::report).toList());
        } catch (QueueUnavailable | RuntimeException e) {
            LOG.debugf("a shared call of %d reports failed, each goes on its own: %s", call.size(), e.getMessage());
            call.forEach(waiting -> waiting.accepted().complete(Optional.empty()));
            return;
        }
        if (answers.isEmpty()) {
            if (shared) {
                LOG.info("queue-service does not take reports together (an older version): each report goes on its own call");
            }
            shared = false;
            call.forEach(waiting -> waiting.accepted().complete(Optional.empty()));
            return;
        }
        List<TaskReportAnswer> answered = answers.get();
        for (int i = 0; i < call.size(); i++) {
            call.get(i).accepted().complete(i < answered.size() ? Optional.of(answered.get(i).accepted()) : Optional.empty());
        }
    }
}
