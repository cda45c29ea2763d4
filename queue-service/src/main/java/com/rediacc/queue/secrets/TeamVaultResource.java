package com.rediacc.queue.secrets;

import com.rediacc.queue.api.Deadline;
import org.jboss.resteasy.reactive.RestResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.contract.vault.KeyInfo;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Caller;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.teams.TeamNames;
import com.rediacc.queue.teams.TeamRepository;
import com.rediacc.queue.vault.Vault;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A team's vault: named secret documents (e.g. an SSH private key), versioned, stored only as
 * vault-service ciphertext. Values go in and never come out of this API.
 */
@Deadline
@Path("/api/v1/teams/{team}/vault")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TeamVaultResource {
    static final int MAX_VALUE_BYTES = 64 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    @Inject
    TeamSecretRepository secrets;
    @Inject
    Vault vault;
    @Inject
    ObjectMapper json;
    @Inject
    TeamRepository teams;
    @Inject
    Requester requester;

    /** Stores a new version of the entry. Body: {@code {"value": {...}}}. */
    @PUT
    @Path("/{name}")
    @Audited("vault.put")
    public Uni<RestResponse<SecretVersion>> put(@PathParam("team") String team, @PathParam("name") String name, SecretValue body) {
        byte[] plaintext = validate(team, name, body);
        requester.require(team, Role.ADMIN, () -> unknownTeam(team));
        requester.target("vault/" + team + "/" + name);
        Caller caller = requester.caller();
        return existingTeam(team).chain(() -> secrets.nextVersion(team, name))
                .flatMap(version -> vault.encrypt(team, Vault.secretContext(team, name, version), plaintext)
                        .flatMap(encrypted -> secrets.insert(new TeamSecret(team, name, version, encrypted.keyVersion(),
                                null, caller.name(), encrypted.ciphertext()))))
                .map(stored -> stored.orElseThrow(() -> ProblemException.conflict(
                        "'" + name + "' was written concurrently; send the PUT again")))
                .map(stored -> RestResponse.ResponseBuilder.<SecretVersion>created(URI.create("/api/v1/teams/" + team + "/vault/" + name))
                        .entity(SecretVersion.of(stored)).build());
    }

    /** Entry names and versions, never values. */
    @GET
    public Uni<Page<TeamSecretSummary>> list(@PathParam("team") String team) {
        requester.require(team, Role.VIEWER, () -> unknownTeam(team));
        return existingTeam(team).chain(() -> secrets.list(team)).map(entries -> new Page<>(entries, null));
    }

    /** Rotates the team's key-encryption key: new writes use the new version, old ones still decrypt. */
    @POST
    @Path("/rotate")
    @Audited("vault.rotate")
    public Uni<KeyInfo> rotate(@PathParam("team") String team) {
        requester.require(team, Role.ADMIN, () -> unknownTeam(team));
        requester.target("vault/" + team);
        return existingTeam(team).chain(() -> vault.rotate(team));
    }

    private byte[] validate(String team, String name, SecretValue body) {
        List<FieldError> errors = new ArrayList<>();
        if (!TeamNames.valid(team)) {
            errors.add(new FieldError("team", TeamNames.RULE));
        }
        if (!NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "letters, digits, '.', '_' and '-', 1-128 characters"));
        }
        byte[] plaintext = null;
        if (body == null || body.value() == null || !body.value().isObject()) {
            errors.add(new FieldError("value", "is required: a JSON object, e.g. {\"privateKey\": \"...\"}"));
        } else {
            try {
                plaintext = json.writeValueAsBytes(body.value());
            } catch (JsonProcessingException e) {
                errors.add(new FieldError("value", "cannot be serialised"));
            }
            if (plaintext != null && plaintext.length > MAX_VALUE_BYTES) {
                errors.add(new FieldError("value", "is larger than " + MAX_VALUE_BYTES + " bytes"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return plaintext;
    }

    private Uni<Void> existingTeam(String team) {
        return teams.requireExisting(team, () -> unknownTeam(team));
    }

    private static ProblemException unknownTeam(String team) {
        return ProblemException.notFound("no team '" + team + "'");
    }

    public record SecretValue(JsonNode value) {
    }
}
