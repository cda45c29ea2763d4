package com.rediacc.queue.tasks;

import com.rediacc.queue.api.ProblemException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskValidationTest {
    @Test
    void defaultsPriority() {
        assertThat(TaskValidation.validate(new TaskRequest("m", "true", null), 100).priority()).isEqualTo(3);
    }

    @Test
    void countsCommandLengthInUtf8Bytes() {
        String fourBytesEach = "\uD83D\uDE00".repeat(26); // 104 bytes, 52 chars
        assertThatThrownBy(() -> TaskValidation.validate(new TaskRequest("m", fourBytesEach, 1), 100))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("longer than 100 bytes");
    }

    @Test
    void reportsAllBadFieldsAtOnce() {
        assertThatThrownBy(() -> TaskValidation.validate(new TaskRequest(" ", null, 9), 100))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.toProblem().errors()).extracting("field").containsExactly("machine", "command", "priority");
                });
    }

    @Test
    void rejectsNulBytes() {
        assertThatThrownBy(() -> TaskValidation.validate(new TaskRequest("m", "echo \0", 1), 100))
                .hasMessageContaining("NUL");
    }
}
