package com.rediacc.bridge.dispatch;

import com.rediacc.contract.events.Topics;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DispatchTopicConfigSourceTest {
    @Test
    void theDispatchChannelReadsTheTopicNamedInTopics() {
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.incoming.dispatch.topic", String.class))
                .as("found through META-INF/services").isEqualTo(Topics.DISPATCH);
    }
}
