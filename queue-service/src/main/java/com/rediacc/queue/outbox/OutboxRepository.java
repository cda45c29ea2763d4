package com.rediacc.queue.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.events.CloudEvent;
import com.rediacc.contract.events.LostAttemptsFound;
import com.rediacc.contract.events.MachineReady;
import com.rediacc.contract.events.Topics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.UUID;

/** Writes events to the outbox, inside the caller's transaction. */
@Singleton
public class OutboxRepository {
    public static final String SOURCE = "/rediacc/queue-service";

    @Inject
    ObjectMapper json;

    public Uni<Void> add(SqlClient tx, String topic, String key, CloudEvent<?> event) {
        OutboxRow row;
        try {
            row = row(topic, key, event);
        } catch (IllegalStateException e) {
            return Uni.createFrom().failure(e);
        }
        return tx.preparedQuery("INSERT INTO outbox (topic, message_key, payload) VALUES ($1, $2, $3)")
                .execute(Tuple.of(row.topic(), row.key(), row.payload()))
                .replaceWithVoid();
    }

    /** Wakes the bridge serving {@code machine}: it has ready work. */
    public Uni<Void> addMachineReady(SqlClient tx, String machine) {
        return add(tx, Topics.DISPATCH, machine, machineReady(machine));
    }

    /** An outbox row for a caller that inserts many at once. */
    public OutboxRow row(String topic, String key, CloudEvent<?> event) {
        try {
            return new OutboxRow(topic, key, json.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise event " + event.type(), e);
        }
    }

    public OutboxRow machineReadyRow(String machine) {
        return row(Topics.DISPATCH, machine, machineReady(machine));
    }

    private static CloudEvent<MachineReady> machineReady(String machine) {
        return CloudEvent.of(UUID.randomUUID().toString(), SOURCE, MachineReady.TYPE, machine, Instant.now(),
                MachineReady.SCHEMA, new MachineReady(machine));
    }

    public record OutboxRow(String topic, String key, String payload) {
    }

    /** Asks the bridge serving {@code machine} to end the remote commands of its lost attempts. */
    public OutboxRow lostAttemptsFoundRow(String machine) {
        return row(Topics.DISPATCH, machine, CloudEvent.of(UUID.randomUUID().toString(), SOURCE,
                LostAttemptsFound.TYPE, machine, Instant.now(), LostAttemptsFound.SCHEMA, new LostAttemptsFound(machine)));
    }
}
