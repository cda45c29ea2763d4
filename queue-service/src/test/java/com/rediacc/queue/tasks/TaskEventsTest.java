package com.rediacc.queue.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.Topics;
import com.rediacc.queue.outbox.OutboxPublisher.OutboxMessage;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.tasks.lifecycle.TaskStateMachine;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A new task's event as the relay builds it is the text the service's ObjectMapper writes for it. */
@QuarkusTest
class TaskEventsTest {
    @Inject
    TaskEvents events;

    @Inject
    ObjectMapper json;

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "ops           | web-01            | 3 | 2026-12-07T19:13:10.123456Z",
            "default       | m                 | 1 | 2026-12-07T19:13:10Z",
            "`a \"quoted\" team` | `back\\slash`  | 5 | 2026-01-01T00:00:00.100Z",
            "équipe        | `tab\there`       | 2 | 1999-12-31T23:59:59.999999999Z",
    })
    void aNewTasksEventIsWhatTheObjectMapperWrites(String team, String machine, int priority, String time) throws Exception {
        var taskId = TaskIds.next();
        Instant createdAt = Instant.parse(time);
        String expected = json.writeValueAsString(CloudEvent.of(taskId.toString(), OutboxRepository.SOURCE,
                "rediacc.task.pending", taskId.toString(), createdAt, TaskEventData.SCHEMA,
                new TaskEventData(taskId, team, machine, TaskStateMachine.INITIAL, null, priority, 0, null, null)));

        OutboxMessage built = events.created(taskId, team, machine, priority, createdAt, "00-trace");

        assertThat(built.payload()).isEqualTo(expected);
        assertThat(built.topic()).isEqualTo(Topics.TASK_EVENTS);
        assertThat(built.key()).isEqualTo(taskId.toString());
        assertThat(built.traceParent()).isEqualTo("00-trace");
        assertThat(json.readTree(built.payload()).path("data").path("machine").asText()).isEqualTo(machine);
        assertThat(events.created(taskId, team, machine, priority, createdAt, null).payload())
                .as("built again, as a relay pass sent again builds it").isEqualTo(built.payload());
    }
}
