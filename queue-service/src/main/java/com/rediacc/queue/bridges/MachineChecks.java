package com.rediacc.queue.bridges;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.contract.bridge.MachineCheck;
import com.rediacc.contract.bridge.MachineCheckRequest;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.bridge.BridgeProtocol;
import com.rediacc.queue.machines.Machine;
import com.rediacc.queue.secrets.TeamSecretRepository;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Checks a machine's SSH connectivity through the bridge that serves it: queue-service calls that
 * bridge's own endpoint, at the address its presence gave (docs/adr/0013).
 */
@Singleton
public class MachineChecks {
    private static final Logger LOG = Logger.getLogger(MachineChecks.class);
    /** A bridge joins or comes back within a few presences; ask again after about that long. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Inject
    BridgeDirectory bridges;
    @Inject
    TeamSecretRepository secrets;
    @Inject
    Pool pool;
    @Inject
    QueueConfig config;
    @Inject
    ObjectMapper json;

    public Uni<MachineCheck> check(Machine machine) {
        return bridges.serving(machine.name()).chain(found -> {
            Bridge bridge = found.filter(b -> b.url() != null).orElseThrow(() -> ProblemException.unavailable(
                    "No bridge", "no live bridge serves machine '" + machine.name() + "' now; see GET /api/v1/bridges",
                    RETRY_AFTER));
            return secrets.latest(pool, machine.team(), machine.credential())
                    .chain(credential -> ask(bridge, new MachineCheckRequest(machine.team(),
                            BridgeProtocol.connection(machine, credential.orElse(null)))));
        });
    }

    private Uni<MachineCheck> ask(Bridge bridge, MachineCheckRequest request) {
        String token = config.auth().bridgeToken().orElseThrow(() -> ProblemException.unavailable("No bridge token",
                "queue-service has no bridge token (rediacc.auth.bridge-token) to call bridges with", RETRY_AFTER));
        HttpRequest call;
        try {
            call = HttpRequest.newBuilder(URI.create(bridge.url().replaceAll("/+$", "") + BridgeApi.MACHINE_CHECK_ON_BRIDGE))
                    .timeout(config.bridges().checkTimeout())
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request)))
                    .build();
        } catch (Exception e) {
            return Uni.createFrom().failure(unreachable(bridge, e));
        }
        return Uni.createFrom().completionStage(() -> http.sendAsync(call, HttpResponse.BodyHandlers.ofString()))
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw unreachable(bridge, new IllegalStateException("status " + response.statusCode()));
                    }
                    try {
                        return json.readValue(response.body(), MachineCheck.class);
                    } catch (Exception e) {
                        throw unreachable(bridge, e);
                    }
                })
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> unreachable(bridge, e));
    }

    private static ProblemException unreachable(Bridge bridge, Throwable cause) {
        LOG.warnf("machine check through bridge %s failed: %s", bridge.bridgeId(), cause.toString());
        return ProblemException.unavailable("Bridge unavailable", "bridge '" + bridge.bridgeId()
                + "', which serves the machine, did not answer the check; try again", RETRY_AFTER);
    }
}
