package com.rediacc.bridge.work;

import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.web.LogFields;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.rediacc.bridge.work.Background.WAIT;
import static com.rediacc.bridge.work.TestTasks.SETTINGS;
import static com.rediacc.bridge.work.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An attempt's spans and log fields, on fakes with the SDK's in-memory exporter: the attempt is a child
 * of the task's context from the claim, its run a child of the attempt, both name the machine, the
 * attempt and the exit code; its reports (on its thread and the heartbeat's) are made under its span
 * with its log fields, which leave the threads afterwards. TracingIT shows the same across the real
 * services.
 */
class AttemptTraceTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CREATE_SPAN = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final FakeQueue queue = new FakeQueue();
    private final FakeSsh ssh = new FakeSsh();

    @AfterEach
    void close() {
        tracing.close();
    }

    private static ClaimedTask traced(ClaimedTask task) {
        return new ClaimedTask(task.taskId(), task.team(), task.command(), task.timeoutSeconds(), task.leaseToken(),
                task.leaseExpiresAt(), task.machine(), task.vaultData(), task.vaultDataContext(), task.attemptToken(),
                task.stdin(), task.environment(), 2, "00-" + TRACE_ID + "-" + CREATE_SPAN + "-01");
    }

    @Test
    void theAttemptAndItsRunJoinTheTasksTraceAndItsReportsCarryItsSpanAndLogFields() {
        ClaimedTask task = traced(task("m1", "./deploy.sh --token=t0ps3cret"));
        TaskAttempt attempt = new TaskAttempt(task, queue, ssh, new FakeCredentials(), new FakeVault(), SETTINGS,
                new FakeRetryClock(), () -> true, new UnavailableBackoff(Duration.ofSeconds(30)), tracing.get("test"));
        var run = Background.run(attempt::run);
        FakeCommand command = ssh.awaitRunning("./deploy.sh --token=t0ps3cret");
        assertThat(Background.run(attempt::heartbeat)).succeedsWithin(WAIT);
        command.exit(3);
        assertThat(run).succeedsWithin(WAIT);

        SpanData attemptSpan = only("task attempt");
        assertThat(attemptSpan.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(attemptSpan.getParentSpanId()).isEqualTo(CREATE_SPAN);
        assertThat(attemptSpan.getAttributes().asMap()).extractingByKeys(
                        io.opentelemetry.api.common.AttributeKey.stringKey("rediacc.task.id"),
                        io.opentelemetry.api.common.AttributeKey.stringKey("rediacc.machine"),
                        io.opentelemetry.api.common.AttributeKey.longKey("rediacc.attempt"),
                        io.opentelemetry.api.common.AttributeKey.longKey("process.exit.code"),
                        io.opentelemetry.api.common.AttributeKey.stringKey("rediacc.outcome"))
                .containsExactly(task.taskId().toString(), "m1", 2L, 3L, "FAILED");
        assertThat(attemptSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        SpanData exec = only("ssh exec");
        assertThat(exec.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(exec.getParentSpanId()).isEqualTo(attemptSpan.getSpanId());
        assertThat(exec.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("process.exit.code"))).isEqualTo(3L);
        assertThat(spans.getFinishedSpanItems().toString()).as("no span holds the command").doesNotContain("t0ps3cret");

        assertThat(queue.reports).extracting(FakeQueue.Report::call).containsExactly("start", "heartbeat", "finish");
        String requestId = (String) queue.reports.getFirst().logFields().get(LogFields.REQUEST_ID);
        assertThat(requestId).isNotBlank();
        for (FakeQueue.Report report : queue.reports) {
            assertThat(report.span().getTraceId()).as(report.call()).isEqualTo(TRACE_ID);
            assertThat(report.logFields()).as(report.call())
                    .containsEntry(LogFields.TASK_ID, task.taskId().toString()).containsEntry(LogFields.MACHINE, "m1")
                    .containsEntry(LogFields.TEAM, task.team()).containsEntry(LogFields.ATTEMPT, "2")
                    .containsEntry(LogFields.REQUEST_ID, requestId).containsEntry(LogFields.TRACE_ID, TRACE_ID);
        }
        assertThat(MDC.getMap()).as("nothing left on the test's thread").doesNotContainKey(LogFields.TASK_ID);
    }

    @Test
    void anUntracedTaskStillGetsItsLogFieldsAndNoTraceId() {
        ClaimedTask task = task("m1", "true");
        TaskAttempt attempt = new TaskAttempt(task, queue, ssh, new FakeCredentials(), new FakeVault(), SETTINGS,
                new FakeRetryClock(), () -> true, new UnavailableBackoff(Duration.ofSeconds(30)),
                io.opentelemetry.api.OpenTelemetry.noop().getTracer("test"));
        var run = Background.run(attempt::run);
        ssh.awaitRunning("true").exit(0);
        assertThat(run).succeedsWithin(WAIT);
        assertThat(queue.reports).allSatisfy(report -> {
            assertThat(report.span().isValid()).isFalse();
            assertThat(report.logFields()).containsEntry(LogFields.TASK_ID, task.taskId().toString())
                    .doesNotContainKey(LogFields.TRACE_ID);
        });
    }

    private SpanData only(String name) {
        return assertThat(spans.getFinishedSpanItems()).filteredOn(s -> s.getName().equals(name)).singleElement().actual();
    }
}
