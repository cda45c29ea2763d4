package com.rediacc.bridge.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.bridge.BridgeApi;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The claim's answer as the client reads it from a queue-service played by a local HTTP server. */
class QueueClientTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aClaimCarriesWhetherReadyWorkIsLeftAndAQueueThatDoesNotSayIsTakenToHaveSome() throws Exception {
        assertThat(claimAnsweredWith("false").readyLeft()).isFalse();
        assertThat(claimAnsweredWith("true").readyLeft()).isTrue();
        assertThat(claimAnsweredWith(null).readyLeft()).as("an older queue-service: assume work is left").isTrue();
        assertThat(claimAnsweredWith("false").tasks()).isEmpty();
    }

    private TaskQueue.Claimed claimAnsweredWith(String readyLeft) throws IOException, TaskQueue.QueueUnavailable {
        stop();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(BridgeApi.BASE + BridgeApi.CLAIMS, exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (readyLeft != null) {
                exchange.getResponseHeaders().add(BridgeApi.READY_LEFT_HEADER, readyLeft);
            }
            byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        QueueClient client = new QueueClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "token",
                "bridge-1", new ObjectMapper(), OpenTelemetry.noop());
        return client.claim("m1", List.of(), 4);
    }
}
