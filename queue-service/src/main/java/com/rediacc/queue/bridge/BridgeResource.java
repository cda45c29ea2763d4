package com.rediacc.queue.bridge;

import com.rediacc.queue.api.Deadline;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.BridgeApi;
import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.contract.bridge.ClaimRequest;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.Heartbeat;
import com.rediacc.contract.bridge.HeartbeatReply;
import com.rediacc.contract.bridge.LeaseReport;
import com.rediacc.contract.bridge.LostAttemptEnded;
import com.rediacc.contract.bridge.LostAttempts;
import com.rediacc.contract.bridge.LostAttemptsRequest;
import com.rediacc.contract.bridge.ReadyMachinesRequest;
import com.rediacc.contract.bridge.ReleaseReport;
import com.rediacc.contract.bridge.TaskReport;
import com.rediacc.contract.bridge.TaskReportAnswer;
import com.rediacc.contract.bridge.TaskReports;
import com.rediacc.queue.bridges.BridgeDirectory;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The endpoints bridges use to claim work and report on it; bridge token only. */
@Deadline
@Path(BridgeApi.BASE)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BridgeResource {
    public static final String BRIDGE_ID_HEADER = "X-Rediacc-Bridge";

    @Inject
    BridgeProtocol tasks;
    @Inject
    BridgeDirectory directory;

    @POST
    @Path(BridgeApi.CLAIMS)
    public Uni<RestResponse<List<ClaimedTask>>> claim(ClaimRequest request) {
        if (request == null || request.machine() == null || request.bridgeId() == null
                || request.max() < 1 || request.max() > 1000) {
            throw ProblemException.badRequest("a claim needs machine, bridgeId and max between 1 and 1000");
        }
        return tasks.claim(request).map(claim -> RestResponse.ResponseBuilder.ok(claim.tasks())
                .header(BridgeApi.READY_LEFT_HEADER, claim.readyLeft()).build());
    }

    @POST
    @Path(BridgeApi.START)
    public Uni<Void> start(@PathParam("taskId") UUID taskId, LeaseReport report,
                           @HeaderParam(BRIDGE_ID_HEADER) String bridgeId) {
        return tasks.start(taskId, required(report).leaseToken(), bridgeId);
    }

    @POST
    @Path(BridgeApi.HEARTBEAT)
    public Uni<HeartbeatReply> heartbeat(@PathParam("taskId") UUID taskId, Heartbeat heartbeat) {
        if (heartbeat == null || heartbeat.outputOffset() < 0) {
            throw ProblemException.badRequest("a heartbeat needs leaseToken and outputOffset >= 0");
        }
        return tasks.heartbeat(taskId, heartbeat);
    }

    @POST
    @Path(BridgeApi.FINISH)
    public Uni<Void> finish(@PathParam("taskId") UUID taskId, AttemptResult result,
                            @HeaderParam(BRIDGE_ID_HEADER) String bridgeId) {
        if (result == null || result.outcome() == null) {
            throw ProblemException.badRequest("a result needs leaseToken and outcome");
        }
        return tasks.finish(taskId, result, bridgeId);
    }

    /** Starts and results of several tasks in one transaction, each answered as its single call would be. */
    @POST
    @Path(BridgeApi.REPORTS)
    public Uni<List<TaskReportAnswer>> reports(TaskReports request, @HeaderParam(BRIDGE_ID_HEADER) String bridgeId) {
        if (request == null || request.reports() == null || request.reports().isEmpty()
                || request.reports().size() > TaskReports.MAX_REPORTS) {
            throw ProblemException.badRequest("reports must hold 1 to " + TaskReports.MAX_REPORTS + " reports");
        }
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < request.reports().size(); i++) {
            TaskReport report = request.reports().get(i);
            String at = "reports[" + i + "]";
            if (report == null || report.taskId() == null || (report.start() == null) == (report.finish() == null)) {
                throw ProblemException.invalid(List.of(new FieldError(at, "needs taskId and exactly one of start, finish")));
            }
            if (report.finish() != null && report.finish().outcome() == null) {
                throw ProblemException.invalid(List.of(new FieldError(at + ".finish.outcome", "is required")));
            }
            if (!seen.add(report.taskId())) {
                throw ProblemException.invalid(List.of(new FieldError(at + ".taskId", "repeats task " + report.taskId()
                        + ": one report per task and call")));
            }
        }
        return tasks.report(request.reports(), bridgeId);
    }

    @POST
    @Path(BridgeApi.RELEASE)
    public Uni<Void> release(@PathParam("taskId") UUID taskId, ReleaseReport report,
                             @HeaderParam(BRIDGE_ID_HEADER) String bridgeId) {
        if (report == null) {
            throw ProblemException.badRequest("a report needs leaseToken");
        }
        Integer retryAfter = report.retryAfterSeconds();
        if (retryAfter != null && (retryAfter < 0 || retryAfter > ReleaseReport.MAX_RETRY_AFTER_SECONDS)) {
            throw ProblemException.invalid(List.of(new FieldError("retryAfterSeconds",
                    "must be between 0 and " + ReleaseReport.MAX_RETRY_AFTER_SECONDS)));
        }
        if (report.reason() != null && (report.reason().isBlank() || report.reason().length() > ReleaseReport.MAX_REASON_LENGTH)) {
            throw ProblemException.invalid(List.of(new FieldError("reason",
                    "must be 1 to " + ReleaseReport.MAX_REASON_LENGTH + " characters")));
        }
        return tasks.release(taskId, report, bridgeId);
    }

    @POST
    @Path(BridgeApi.LOST_ATTEMPTS)
    public Uni<LostAttempts> lostAttempts(LostAttemptsRequest request) {
        if (request == null || request.machine() == null) {
            throw ProblemException.badRequest("a lost-attempts request needs machine");
        }
        return tasks.lostAttempts(request.machine());
    }

    @POST
    @Path(BridgeApi.LOST_ATTEMPT_ENDED)
    public Uni<Void> lostAttemptEnded(@PathParam("taskId") UUID taskId, LostAttemptEnded report,
                                      @HeaderParam(BRIDGE_ID_HEADER) String bridgeId) {
        if (report == null || report.attemptToken() == null) {
            throw ProblemException.badRequest("a lost-attempt report needs attemptToken");
        }
        return tasks.lostAttemptEnded(taskId, report, bridgeId);
    }

    @POST
    @Path(BridgeApi.READY_MACHINES)
    public Uni<List<String>> readyMachines(ReadyMachinesRequest request) {
        if (request == null || request.partitionCount() < 1) {
            throw ProblemException.badRequest("a ready-machines request needs partitionCount >= 1");
        }
        if (request.partitions() == null || request.partitions().stream()
                .anyMatch(p -> p == null || p < 0 || p >= request.partitionCount())) {
            throw ProblemException.badRequest("partitions must each be between 0 and partitionCount - 1");
        }
        return tasks.readyMachines(request.partitions(), request.partitionCount());
    }

    /** A bridge is alive: what it serves, and the resources of its machines it sampled since the last one. */
    @POST
    @Path(BridgeApi.PRESENCE)
    public Uni<Void> presence(BridgePresence presence) {
        if (presence == null || presence.bridgeId() == null || presence.bridgeId().isBlank()
                || presence.everyMillis() < 1 || presence.partitionCount() < 0) {
            throw ProblemException.badRequest("a presence needs bridgeId, everyMillis >= 1 and partitionCount >= 0");
        }
        if (presence.samples() != null && presence.samples().stream()
                .anyMatch(sample -> sample == null || sample.machine() == null || sample.sampledAt() == null)) {
            throw ProblemException.badRequest("every sample of a presence needs machine and sampledAt");
        }
        return directory.record(presence);
    }

    private static LeaseReport required(LeaseReport report) {
        if (report == null) {
            throw ProblemException.badRequest("a report needs leaseToken");
        }
        return report;
    }
}
