package com.rediacc.queue.tasks;

import com.rediacc.web.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskValidationTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void defaultsPriority() {
        assertThat(TaskValidation.validate(TaskRequest.of("m", "true", null), 100, NOW).priority()).isEqualTo(3);
    }

    @Test
    void countsCommandLengthInUtf8Bytes() {
        String fourBytesEach = "\uD83D\uDE00".repeat(26); // 104 bytes, 52 chars
        assertThatThrownBy(() -> TaskValidation.validate(TaskRequest.of("m", fourBytesEach, 1), 100, NOW))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("longer than 100 bytes");
    }

    @Test
    void reportsAllBadFieldsAtOnce() {
        assertThatThrownBy(() -> TaskValidation.validate(TaskRequest.of(" ", null, 9), 100, NOW))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.toProblem().errors()).extracting("field").containsExactly("machine", "command", "priority");
                });
    }

    @Test
    void rejectsNulBytes() {
        assertThatThrownBy(() -> TaskValidation.validate(TaskRequest.of("m", "echo \0", 1), 100, NOW))
                .hasMessageContaining("NUL");
    }

    @Test
    void delaySecondsBecomesNotBefore() {
        TaskRequest delayed = new TaskRequest("m", "true", null, null, null, null, null, null, null, null, null, 90, null, null, null, null, null, null, null, null);
        assertThat(TaskValidation.validate(delayed, 100, NOW).notBefore()).isEqualTo(NOW.plusSeconds(90));
    }

    @Test
    void notBeforeAndDelaySecondsAreExclusive() {
        TaskRequest both = new TaskRequest("m", "true", null, null, null, null, null, null, null, null, NOW, 5, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> TaskValidation.validate(both, 100, NOW)).hasMessageContaining("not both");
    }

    @Test
    void checksRetryAndTimeoutRanges() {
        TaskRequest bad = new TaskRequest("m", "true", null, -1, 86_401, null, null, "no spaces", null, 0, null, null, "", null, null, null, null, null, null, null);
        assertThatThrownBy(() -> TaskValidation.validate(bad, 100, NOW))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.toProblem().errors())
                        .extracting("field")
                        .containsExactly("maxRetries", "retryDelay", "timeoutSeconds", "tag", "idempotencyKey"));
    }

    @Test
    void vaultDataMustBeAnObjectAndIsKeptOnlyAsShape() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        TaskRequest array = new TaskRequest("m", "true", null, null, null, null, null, null, null, null, null, null, null,
                json.readTree("[1]"), null, null, null, null, null, null);
        assertThatThrownBy(() -> TaskValidation.validate(array, 100, NOW)).hasMessageContaining("vaultData");
        TaskRequest secret = new TaskRequest("m", "true", null, null, null, null, null, null, null, null, null, null, null,
                json.readTree("{\"db\": {\"password\": \"hunter2\"}, \"tokens\": [\"a\", 3]}"), null, null, null, null, null, null);
        NewTask task = TaskValidation.validate(secret, 100, NOW);
        assertThat(task.vaultDataShape().toString())
                .isEqualTo("{\"db\":{\"password\":\"[encrypted]\"},\"tokens\":[\"[encrypted]\",\"[encrypted]\"]}");
        assertThat(task.toString()).doesNotContain("hunter2");
    }
}
