package com.rediacc.bridge.queue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jboss.logging.MDC;
import com.rediacc.web.LogFields;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.contract.bridge.ClaimRequest;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.Heartbeat;
import com.rediacc.contract.bridge.HeartbeatReply;
import com.rediacc.contract.bridge.LeaseReport;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.contract.bridge.LostAttemptEnded;
import com.rediacc.contract.bridge.LostAttempts;
import com.rediacc.contract.bridge.LostAttemptsRequest;
import com.rediacc.contract.bridge.ReadyMachinesRequest;
import com.rediacc.contract.bridge.ReleaseReport;
import com.rediacc.contract.bridge.TaskReport;
import com.rediacc.contract.bridge.TaskReportAnswer;
import com.rediacc.contract.bridge.TaskReports;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link TaskQueue} over HTTP, on the queue-service bridge endpoints. Blocking: call it from virtual threads.
 * A call made under a traced attempt (AttemptTrace) is a CLIENT span of it and carries its W3C context
 * (so queue-service's span of the call joins the task's trace), and the attempt's request id as
 * {@code X-Request-Id}; java.net.http has no instrumentation of its own in Quarkus.
 */
public class QueueClient implements TaskQueue {
    private static final TypeReference<List<ClaimedTask>> CLAIMED = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
    };
    private static final TypeReference<List<TaskReportAnswer>> ANSWERS = new TypeReference<>() {
    };

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;
    private final String bridgeId;
    private final ObjectMapper json;
    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    public QueueClient(URI queueUrl, String token, String bridgeId, ObjectMapper json, OpenTelemetry openTelemetry) {
        this.base = URI.create(queueUrl.toString().replaceAll("/+$", "") + BridgeApi.BASE);
        this.token = token;
        this.bridgeId = bridgeId;
        this.json = json;
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("rediacc.bridge.queue-client");
    }

    @Override
    public Claimed claim(String machine, List<String> tags, int max) throws QueueUnavailable {
        HttpResponse<String> response = post(BridgeApi.CLAIMS, new ClaimRequest(machine, bridgeId, tags, max));
        expect(response, 200);
        try {
            boolean readyLeft = response.headers().firstValue(BridgeApi.READY_LEFT_HEADER)
                    .map(value -> !value.equalsIgnoreCase("false")).orElse(true);
            return new Claimed(json.readValue(response.body(), CLAIMED), readyLeft);
        } catch (IOException e) {
            throw new QueueUnavailable("unreadable claim response: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> readyMachines(List<Integer> partitions, int partitionCount) throws QueueUnavailable {
        HttpResponse<String> response = post(BridgeApi.READY_MACHINES, new ReadyMachinesRequest(partitions, partitionCount));
        expect(response, 200);
        try {
            return json.readValue(response.body(), NAMES);
        } catch (IOException e) {
            throw new QueueUnavailable("unreadable ready-machines response: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean start(ClaimedTask task) throws QueueUnavailable {
        return accepted(post(BridgeApi.START, task.taskId(), new LeaseReport(task.leaseToken())));
    }

    /** Starts and results of several tasks in one call ({@link CoalescingTaskQueue}); empty when the queue-service does not know the call. */
    public Optional<List<TaskReportAnswer>> reports(List<TaskReport> reports) throws QueueUnavailable {
        HttpResponse<String> response = post(BridgeApi.REPORTS, new TaskReports(reports));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200);
        try {
            return Optional.of(json.readValue(response.body(), ANSWERS));
        } catch (IOException e) {
            throw new QueueUnavailable("unreadable reports answer: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<HeartbeatReply> heartbeat(ClaimedTask task, int outputOffset, String outputChunk, Long remotePid)
            throws QueueUnavailable {
        HttpResponse<String> response = post(BridgeApi.HEARTBEAT, task.taskId(),
                new Heartbeat(task.leaseToken(), outputOffset, outputChunk, remotePid));
        if (response.statusCode() == 409) {
            return Optional.empty();
        }
        expect(response, 200);
        try {
            return Optional.of(json.readValue(response.body(), HeartbeatReply.class));
        } catch (IOException e) {
            throw new QueueUnavailable("unreadable heartbeat reply: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean release(ClaimedTask task, String reason, Duration retryAfter) throws QueueUnavailable {
        return accepted(post(BridgeApi.RELEASE, task.taskId(), new ReleaseReport(task.leaseToken(), reason,
                retryAfter.isZero() ? null : (int) Math.max(1, Math.min(retryAfter.toSeconds(), ReleaseReport.MAX_RETRY_AFTER_SECONDS)))));
    }

    @Override
    public boolean finish(ClaimedTask task, AttemptResult result) throws QueueUnavailable {
        return accepted(post(BridgeApi.FINISH, task.taskId(), result));
    }

    @Override
    public LostAttempts lostAttempts(String machine) throws QueueUnavailable {
        HttpResponse<String> response = post(BridgeApi.LOST_ATTEMPTS, new LostAttemptsRequest(machine, bridgeId));
        expect(response, 200);
        try {
            return json.readValue(response.body(), LostAttempts.class);
        } catch (IOException e) {
            throw new QueueUnavailable("unreadable lost-attempts response: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean lostAttemptEnded(LostAttempt attempt, boolean killed) throws QueueUnavailable {
        return accepted(post(BridgeApi.LOST_ATTEMPT_ENDED, attempt.taskId(),
                new LostAttemptEnded(attempt.attemptToken(), killed)));
    }

    @Override
    public void presence(BridgePresence presence) throws QueueUnavailable {
        expect(post(BridgeApi.PRESENCE, presence), 204);
    }

    private boolean accepted(HttpResponse<String> response) throws QueueUnavailable {
        if (response.statusCode() == 409) {
            return false;
        }
        expect(response, 204);
        return true;
    }

    private static void expect(HttpResponse<String> response, int status) throws QueueUnavailable {
        if (response.statusCode() != status) {
            throw new QueueUnavailable("queue-service answered " + response.statusCode() + " to "
                    + response.request().uri().getPath() + ": " + response.body(), null);
        }
    }

    private HttpResponse<String> post(String template, UUID taskId, Object body) throws QueueUnavailable {
        return post(template, template.replace("{taskId}", taskId.toString()), body);
    }

    private HttpResponse<String> post(String path, Object body) throws QueueUnavailable {
        return post(path, path, body);
    }

    /** {@code template}: the endpoint as BridgeApi names it (the span's name), {@code path} with its task id. */
    private HttpResponse<String> post(String template, String path, Object body) throws QueueUnavailable {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(CALL_TIMEOUT)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .header("X-Rediacc-Bridge", bridgeId)
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        } catch (IOException e) {
            throw new QueueUnavailable("unwritable request: " + e.getMessage(), e);
        }
        Object requestId = MDC.get(LogFields.REQUEST_ID);
        if (requestId != null) {
            request.header(LogFields.REQUEST_ID_HEADER, requestId.toString());
        }
        if (!Span.current().getSpanContext().isValid()) {
            return send(request);
        }
        Span span = tracer.spanBuilder("POST " + BridgeApi.BASE + template).setSpanKind(SpanKind.CLIENT)
                .setAttribute("http.request.method", "POST")
                .setAttribute("url.full", base + path)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current(), request, HttpRequest.Builder::header);
            HttpResponse<String> response = send(request);
            span.setAttribute("http.response.status_code", response.statusCode());
            return response;
        } catch (QueueUnavailable e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws QueueUnavailable {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new QueueUnavailable("queue-service unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueUnavailable("interrupted", e);
        }
    }
}
