package com.rediacc.bridge.check;

import com.rediacc.bridge.BridgeConfig;
import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.bridge.ssh.SshSessionPool;
import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.contract.bridge.MachineCheck;
import com.rediacc.contract.bridge.MachineCheckRequest;
import com.rediacc.web.BearerTokens;
import com.rediacc.web.ProblemException;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.util.Optional;

/**
 * queue-service asks this bridge to check a machine it serves (POST /machines/{name}/check there):
 * connect, host key, auth and {@code true}, each timed. Bridge token only.
 */
@Path(BridgeApi.MACHINE_CHECK_ON_BRIDGE)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MachineCheckResource {
    @Inject
    BridgeConfig config;
    @Inject
    SshSessionPool ssh;
    @Inject
    CredentialStore credentials;
    @Inject
    @Named("bridgeId")
    String bridgeId;

    @POST
    @RunOnVirtualThread
    public MachineCheck check(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, MachineCheckRequest request) {
        String presented = BearerTokens.presented(authorization).orElse("");
        if (!BearerTokens.matches(presented, Optional.of(config.auth().bridgeToken()))) {
            throw new ProblemException(401, "Unauthorized", "this endpoint takes the bridge token");
        }
        if (request == null || request.machine() == null || request.team() == null) {
            throw ProblemException.badRequest("a machine check needs team and machine");
        }
        return ssh.check(request.machine(), bridgeId, credentials.identity(request.team(), request.machine()));
    }
}
