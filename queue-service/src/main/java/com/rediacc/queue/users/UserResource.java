package com.rediacc.queue.users;

import com.rediacc.queue.api.Deadline;
import org.jboss.resteasy.reactive.RestResponse;
import com.rediacc.queue.api.Page;
import com.rediacc.queue.audit.Audited;
import com.rediacc.queue.auth.Caller;
import com.rediacc.queue.auth.Requester;
import com.rediacc.queue.auth.Role;
import com.rediacc.queue.auth.Tokens;
import com.rediacc.queue.auth.UserDirectory;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Users and their API tokens. A token is shown once, in the answer that creates or replaces it;
 * only its hash is stored.
 */
@Deadline
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final String RESERVED = "bootstrap-admin";

    @Inject
    UserRepository users;
    @Inject
    UserDirectory directory;
    @Inject
    Requester requester;

    @POST
    @Audited("user.create")
    public Uni<RestResponse<IssuedToken>> create(NewUser body) {
        requester.requireGlobalAdmin("creating a user");
        if (body == null || body.name() == null || !NAME.matcher(body.name()).matches()) {
            throw ProblemException.invalid(List.of(new FieldError("name", body == null || body.name() == null
                    ? "is required"
                    : "must be lowercase letters, digits, '.', '_' and '-', 1-63 characters, starting with a letter or digit")));
        }
        if (body.name().equals(RESERVED)) {
            throw ProblemException.invalid(List.of(new FieldError("name", "'" + RESERVED + "' is reserved for the bootstrap token")));
        }
        requester.target("user/" + body.name());
        String token = Tokens.newToken();
        return users.insert(body.name(), Boolean.TRUE.equals(body.globalAdmin()), token)
                .map(created -> created.orElseThrow(() -> ProblemException.conflict("user '" + body.name() + "' already exists")))
                .map(user -> RestResponse.ResponseBuilder.<IssuedToken>created(URI.create("/api/v1/users/" + user.name()))
                        .entity(new IssuedToken(user.name(), token, user.globalAdmin(), user.createdAt())).build());
    }

    @GET
    public Uni<Page<User>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        requester.requireGlobalAdmin("listing users");
        int pageSize = Page.size(limit);
        return users.list(cursor, pageSize)
                .map(items -> new Page<>(items, items.size() == pageSize ? items.getLast().name() : null));
    }

    /** Who the token belongs to and what it may do: the first call a CLI login makes. */
    @GET
    @Path("/me")
    public Me me() {
        Caller caller = requester.caller();
        return new Me(caller.name(), caller.globalAdmin(), caller.roles().entrySet().stream()
                .map(entry -> new Membership(entry.getKey(), entry.getValue()))
                .sorted((a, b) -> a.team().compareTo(b.team()))
                .toList());
    }

    /** A new token for the user; the old one stops working at once. Global admins, or the user themself. */
    @POST
    @Path("/{name}/token")
    @Audited("user.replace-token")
    public Uni<IssuedToken> replaceToken(@PathParam("name") String name) {
        Caller caller = requester.caller();
        if (!caller.globalAdmin() && !caller.name().equals(name)) {
            throw ProblemException.forbidden("only a global admin or the user themself may replace a user's token");
        }
        requester.target("user/" + name);
        String token = Tokens.newToken();
        return users.replaceToken(name, token).map(replaced -> {
            if (!replaced) {
                throw ProblemException.notFound("no user '" + name + "'");
            }
            directory.forgetAll();
            return new IssuedToken(name, token, null, null);
        });
    }

    public record NewUser(String name, Boolean globalAdmin) {
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record IssuedToken(String name, String token, Boolean globalAdmin, Instant createdAt) {
    }

    public record Membership(String team, Role role) {
    }

    public record Me(String name, boolean globalAdmin, List<Membership> memberships) {
    }
}
