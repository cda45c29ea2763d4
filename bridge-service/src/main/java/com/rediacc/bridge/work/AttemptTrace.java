package com.rediacc.bridge.work;

import com.rediacc.contract.bridge.AttemptOutcome;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.web.LogFields;
import com.rediacc.web.TraceParents;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jboss.logging.MDC;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What one attempt is traced and logged under (docs/adr/0019): a span "task attempt", a child of the
 * task's trace context from the claim (so the bridge's work joins the trace of the call that created
 * the task), from the claim to the report of its result; a child span "ssh exec" per run of the
 * command; and the fields of its log lines (MDC: taskId, machine, team, attempt, requestId; traceId when traced).
 * {@link #enter()} puts both on the calling thread (the attempt's own, a heartbeat's) until the scope
 * closes, and the reports to the queue carry them (traceparent and X-Request-Id headers, QueueClient).
 * Spans name the machine, the task, the attempt and the exit code; never the command, which may
 * carry secrets, nor its stdin.
 */
final class AttemptTrace {
    private final Tracer tracer;
    private final ClaimedTask task;
    private final Span span;
    private final Map<String, String> fields = new LinkedHashMap<>();

    AttemptTrace(Tracer tracer, ClaimedTask task) {
        this.tracer = tracer;
        this.task = task;
        this.span = tracer.spanBuilder("task attempt")
                .setParent(TraceParents.context(Context.root(), task.traceParent()))
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute("rediacc.task.id", task.taskId().toString())
                .setAttribute("rediacc.machine", task.machine().name())
                .setAttribute("rediacc.team", task.team())
                .setAttribute("rediacc.attempt", task.attempt())
                .startSpan();
        fields.put(LogFields.TASK_ID, task.taskId().toString());
        fields.put(LogFields.MACHINE, task.machine().name());
        fields.put(LogFields.TEAM, task.team());
        fields.put(LogFields.ATTEMPT, String.valueOf(task.attempt()));
        // one per attempt: its reports carry it, so queue-service's log lines of them share it
        fields.put(LogFields.REQUEST_ID, UUID.randomUUID().toString());
        if (span.getSpanContext().isValid()) {
            fields.put(LogFields.TRACE_ID, span.getSpanContext().getTraceId());
        }
    }

    /** Makes the attempt's span and log fields current on this thread until the scope closes. */
    Scope enter() {
        Scope current = span.makeCurrent();
        fields.forEach(MDC::put);
        return () -> {
            fields.keySet().forEach(MDC::remove);
            current.close();
        };
    }

    /** The span of one run of the command on the machine, a child of the current one (the attempt's). */
    Span exec() {
        return tracer.spanBuilder("ssh exec")
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("rediacc.task.id", task.taskId().toString())
                .setAttribute("rediacc.machine", task.machine().name())
                .setAttribute("rediacc.attempt", task.attempt())
                .setAttribute("server.address", task.machine().host())
                .setAttribute("server.port", task.machine().port())
                .startSpan();
    }

    /** Ends {@code exec} with the command's exit code (or its failure; null: the bridge failed). */
    static void ended(Span exec, AttemptResult result) {
        if (result == null) {
            exec.setStatus(StatusCode.ERROR, "no result");
        } else if (result.exitCode() != null) {
            exec.setAttribute("process.exit.code", result.exitCode());
        }
        if (result != null && result.outcome() != AttemptOutcome.SUCCEEDED) {
            exec.setStatus(StatusCode.ERROR, result.outcome().name());
        }
        exec.end();
    }

    /** Ends the attempt's span with its outcome (null: none reported, the lease was lost or the task given back). */
    void end(AttemptResult result) {
        if (result != null) {
            span.setAttribute("rediacc.outcome", result.outcome().name());
            if (result.exitCode() != null) {
                span.setAttribute("process.exit.code", result.exitCode());
            }
            if (result.outcome() != AttemptOutcome.SUCCEEDED) {
                span.setStatus(StatusCode.ERROR, result.error() == null ? result.outcome().name() : result.error());
            }
        }
        span.end();
    }
}
