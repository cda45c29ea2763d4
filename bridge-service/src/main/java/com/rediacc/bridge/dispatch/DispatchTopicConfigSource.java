package com.rediacc.bridge.dispatch;

import com.rediacc.contract.events.Topics;
import io.smallrye.config.common.MapBackedConfigSource;

import java.util.Map;

/**
 * The dispatch channel's topic, {@link Topics#DISPATCH}: topic names are written only in Topics.
 * Ordinal 100, below application.properties (250) and the environment (300), which may still
 * override it.
 */
public final class DispatchTopicConfigSource extends MapBackedConfigSource {
    public DispatchTopicConfigSource() {
        super("rediacc dispatch topic (contract Topics)", Map.of("mp.messaging.incoming.dispatch.topic", Topics.DISPATCH), 100);
    }
}
