package com.rediacc.queue.tasks;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.rediacc.contract.events.CloudEvent;
import com.rediacc.queue.outbox.OutboxRepository;
import com.rediacc.queue.tasks.lifecycle.TaskStateMachine;

import java.time.Instant;
import java.util.UUID;

/**
 * The JSON of a new task's event, written as text: the very text the service's ObjectMapper writes
 * for its {@link CloudEvent} of {@link TaskEventData} (TaskEventsTest holds them equal, escapes
 * included). The relay writes a thousand of these per batch call; through the bean serializer they
 * were 15% of queue-service's CPU.
 */
final class NewTaskEventJson {
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();
    private static final String PREFIX = "{\"specversion\":\"" + CloudEvent.SPEC_VERSION + "\",\"id\":\"";
    private static final String AFTER_ID = "\",\"source\":\"" + OutboxRepository.SOURCE + "\",\"type\":\""
            + TaskEventData.type(TaskStateMachine.INITIAL) + "\",\"subject\":\"";
    private static final String AFTER_SUBJECT = "\",\"time\":\"";
    private static final String AFTER_TIME = "\",\"datacontenttype\":\"application/json\",\"dataschema\":\""
            + TaskEventData.SCHEMA + "\",\"data\":{\"taskId\":\"";
    private static final String AFTER_TASK_ID = "\",\"team\":\"";
    private static final String AFTER_TEAM = "\",\"machine\":\"";
    private static final String AFTER_MACHINE = "\",\"status\":\"" + TaskStateMachine.INITIAL.name() + "\",\"priority\":";
    private static final String SUFFIX = ",\"attempts\":0}}";

    private NewTaskEventJson() {
    }

    /** {@code time} as {@link Instant#toString()} gives it (ISO-8601, as the ObjectMapper writes an Instant). */
    static String write(UUID taskId, String team, String machine, int priority, String time) {
        String id = taskId.toString();
        StringBuilder json = new StringBuilder(360 + team.length() + machine.length());
        json.append(PREFIX).append(id).append(AFTER_ID).append(id).append(AFTER_SUBJECT).append(time)
                .append(AFTER_TIME).append(id).append(AFTER_TASK_ID);
        ENCODER.quoteAsString(team, json);
        json.append(AFTER_TEAM);
        ENCODER.quoteAsString(machine, json);
        return json.append(AFTER_MACHINE).append(priority).append(SUFFIX).toString();
    }
}
