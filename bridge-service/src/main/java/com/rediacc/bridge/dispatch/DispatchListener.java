package com.rediacc.bridge.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.bridge.work.WorkScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code rediacc.task.dispatch} in the {@code rediacc-bridges} group: each message says
 * "machine M has ready work", and Kafka's partition assignment decides which bridge hears it.
 */
@ApplicationScoped
public class DispatchListener {
    private static final Logger LOG = Logger.getLogger(DispatchListener.class);

    @Inject
    ObjectMapper json;

    @Inject
    WorkScheduler scheduler;

    @Incoming("dispatch")
    public void onDispatch(String payload) {
        String machine;
        try {
            JsonNode event = json.readTree(payload);
            machine = event.path("data").path("machine").asText(null);
        } catch (Exception e) {
            LOG.warnf("ignoring an unreadable dispatch message: %s", e.getMessage());
            return;
        }
        if (machine == null || machine.isBlank()) {
            LOG.warn("ignoring a dispatch message without data.machine");
            return;
        }
        scheduler.wake(machine);
    }
}
