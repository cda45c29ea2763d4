package com.rediacc.queue.teams;

import com.rediacc.queue.api.Deadline;
import org.jboss.resteasy.reactive.RestResponse;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.auth.UserDirectory;
import com.rediacc.queue.users.UserRepository;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A team's members and their roles: every member reads them, the team's ADMINs change them. */
@Deadline
@Path("/api/v1/teams/{team}/members")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MemberResource {
    @Inject
    TeamRepository teams;
    @Inject
    UserRepository users;
    @Inject
    UserDirectory directory;
    @Inject
    Requester requester;

    @GET
    public Uni<Page<Member>> list(@PathParam("team") String team) {
        requester.require(team, Role.VIEWER, () -> TeamResource.unknown(team));
        return existingTeam(team).chain(() -> teams.members(team)).map(items -> new Page<>(items, null));
    }

    @POST
    @Audited("member.add")
    public Uni<RestResponse<Member>> add(@PathParam("team") String team, NewMember body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || body.user() == null || body.user().isBlank()) {
            errors.add(new FieldError("user", "is required: the name of an existing user"));
        }
        Role role = role(body == null ? null : body.role(), errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        requester.require(team, Role.ADMIN, () -> TeamResource.unknown(team));
        requester.target("team/" + team + "/member/" + body.user());
        return existingTeam(team)
                .chain(() -> users.exists(body.user()))
                .chain(userExists -> {
                    if (!userExists) {
                        throw ProblemException.notFound("no user '" + body.user() + "'; create it with POST /api/v1/users");
                    }
                    return teams.addMember(team, body.user(), role);
                })
                .map(added -> added.orElseThrow(() -> ProblemException.conflict("'" + body.user()
                        + "' is a member of '" + team + "' already; change the role with PATCH")))
                .invoke(directory::forgetAll)
                .map(member -> RestResponse.ResponseBuilder.<Member>created(URI.create("/api/v1/teams/" + team + "/members/" + member.user()))
                        .entity(member).build());
    }

    @PATCH
    @Path("/{user}")
    @Audited("member.change-role")
    public Uni<Member> changeRole(@PathParam("team") String team, @PathParam("user") String user, RoleChange body) {
        List<FieldError> errors = new ArrayList<>();
        Role role = role(body == null ? null : body.role(), errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        requester.require(team, Role.ADMIN, () -> TeamResource.unknown(team));
        requester.target("team/" + team + "/member/" + user);
        return teams.changeRole(team, user, role)
                .map(changed -> changed.orElseThrow(() -> notMember(team, user)))
                .invoke(directory::forgetAll);
    }

    @DELETE
    @Path("/{user}")
    @Audited("member.remove")
    public Uni<RestResponse<Void>> remove(@PathParam("team") String team, @PathParam("user") String user) {
        requester.require(team, Role.ADMIN, () -> TeamResource.unknown(team));
        requester.target("team/" + team + "/member/" + user);
        return teams.removeMember(team, user).map(removed -> {
            if (!removed) {
                throw notMember(team, user);
            }
            directory.forgetAll();
            return RestResponse.<Void>noContent();
        });
    }

    private Uni<Void> existingTeam(String team) {
        return teams.requireExisting(team, () -> TeamResource.unknown(team));
    }

    private static Role role(String raw, List<FieldError> errors) {
        if (raw == null) {
            errors.add(new FieldError("role", "is required: ADMIN, OPERATOR or VIEWER"));
            return null;
        }
        try {
            return Role.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("role", "must be ADMIN, OPERATOR or VIEWER"));
            return null;
        }
    }

    private static ProblemException notMember(String team, String user) {
        return ProblemException.notFound("'" + user + "' is no member of team '" + team + "'");
    }

    public record NewMember(String user, String role) {
    }

    public record RoleChange(String role) {
    }
}
