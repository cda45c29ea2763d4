package com.rediacc.bridge.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.bridge.work.WorkScheduler;
import com.rediacc.contract.events.LostAttemptsFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * What a dispatch message means to this bridge ({@link DispatchConsumer} reads them): "machine M has
 * ready work" (or "has lost attempts to end"); Kafka's partition assignment decides which bridge hears it.
 */
@ApplicationScoped
public class DispatchListener {
    private static final Logger LOG = Logger.getLogger(DispatchListener.class);

    @Inject
    ObjectMapper json;

    @Inject
    WorkScheduler scheduler;

    public void onDispatch(String payload) {
        String machine;
        String type;
        try {
            JsonNode event = json.readTree(payload);
            machine = event.path("data").path("machine").asText(null);
            type = event.path("type").asText("");
        } catch (Exception e) {
            LOG.warnf("ignoring an unreadable dispatch message: %s", e.getMessage());
            return;
        }
        if (machine == null || machine.isBlank()) {
            LOG.warn("ignoring a dispatch message without data.machine");
            return;
        }
        if (type.equals(LostAttemptsFound.TYPE)) {
            scheduler.endLostAttempts(machine);
        } else {
            scheduler.wake(machine);
        }
    }
}
