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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.UUID;

/** Writes events to the outbox, inside the caller's transaction. */
@ApplicationScoped
public class OutboxRepository {
    public static final String SOURCE = "/rediacc/queue-service";

    @Inject
    ObjectMapper json;

    public Uni<Void> add(SqlClient tx, String topic, String key, CloudEvent<?> event) {
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot serialise event " + event.type(), e));
        }
        return tx.preparedQuery("INSERT INTO outbox (topic, message_key, payload) VALUES ($1, $2, $3)")
                .execute(Tuple.of(topic, key, payload))
                .replaceWithVoid();
    }

    /** Wakes the bridge serving {@code machine}: it has ready work. */
    public Uni<Void> addMachineReady(SqlClient tx, String machine) {
        return add(tx, Topics.DISPATCH, machine, CloudEvent.of(UUID.randomUUID().toString(), SOURCE, MachineReady.TYPE,
                machine, Instant.now(), MachineReady.SCHEMA, new MachineReady(machine)));
    }

    /** Asks the bridge serving {@code machine} to end the remote commands of its lost attempts. */
    public Uni<Void> addLostAttemptsFound(SqlClient tx, String machine) {
        return add(tx, Topics.DISPATCH, machine, CloudEvent.of(UUID.randomUUID().toString(), SOURCE,
                LostAttemptsFound.TYPE, machine, Instant.now(), LostAttemptsFound.SCHEMA, new LostAttemptsFound(machine)));
    }
}
