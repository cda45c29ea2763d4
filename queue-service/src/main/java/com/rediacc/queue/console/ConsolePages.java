package com.rediacc.queue.console;

import com.rediacc.queue.api.Deadline;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.queue.audit.AuditWriter;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The console's pages (docs/console.md): server-rendered shells (Qute, templates/console) that the
 * page's script fills from the API and the one stream. Every page needs a session; without one it
 * sends the browser to the sign-in form, which comes back to the page asked for.
 */
@Deadline
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ConsolePages {
    /** The actor of a refused sign-in: the token named nobody. */
    private static final String ANONYMOUS = "anonymous";

    @Inject
    ConsoleSessions sessions;
    @Inject
    SignIn signIn;
    @Inject
    AuditWriter auditTrail;
    @Inject
    ObjectMapper json;
    @Inject
    com.rediacc.queue.QueueConfig config;

    @Inject
    @Location("console/sign-in.html")
    Template signInPage;
    @Inject
    @Location("console/overview.html")
    Template overview;
    @Inject
    @Location("console/tasks.html")
    Template tasks;
    @Inject
    @Location("console/task.html")
    Template task;
    @Inject
    @Location("console/machines.html")
    Template machines;
    @Inject
    @Location("console/crons.html")
    Template crons;
    @Inject
    @Location("console/groups.html")
    Template groups;
    @Inject
    @Location("console/audit.html")
    Template audit;

    @GET
    public Uni<RestResponse<String>> overview(@CookieParam(ConsoleSessions.COOKIE) String session, @Context UriInfo uri) {
        return page(session, uri, "overview", overview);
    }

    @GET
    @Path("tasks")
    public Uni<RestResponse<String>> tasks(@CookieParam(ConsoleSessions.COOKIE) String session, @Context UriInfo uri) {
        return page(session, uri, "tasks", tasks);
    }

    @GET
    @Path("tasks/{id}")
    public Uni<RestResponse<String>> task(@CookieParam(ConsoleSessions.COOKIE) String session, @Context UriInfo uri,
                              @PathParam("id") String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(text(404, "no task " + id.replaceAll("[^0-9a-zA-Z-]", "")));
        }
        return page(session, uri, "task", task);
    }

    @GET
    @Path("machines")
    public Uni<RestResponse<String>> machines(@CookieParam(ConsoleSessions.COOKIE) String session, @Context UriInfo uri) {
        return page(session, uri, "machines", machines);
    }

    @GET
    @Path("crons")
    public Uni<RestResponse<String>> crons(@CookieParam(ConsoleSessions.COOKIE) String session, @Context UriInfo uri) {
        return page(session, uri, "crons", crons);
    }

    @GET
    @Path("groups")
    public Uni<RestResponse<String>> groups(@CookieParam(ConsoleSessions.COOKIE) String session, @Context UriInfo uri) {
        return page(session, uri, "groups", groups);
    }

    @GET
    @Path("audit")
    public Uni<RestResponse<String>> audit(@CookieParam(ConsoleSessions.COOKIE) String session, @Context UriInfo uri) {
        return page(session, uri, "audit", audit);
    }

    @GET
    @Path("sign-in")
    public Uni<RestResponse<String>> signInForm(@CookieParam(ConsoleSessions.COOKIE) String session, @QueryParam("next") String next) {
        return sessions.find(session).map(found -> found.isPresent()
                ? RestResponse.ResponseBuilder.<String>seeOther(URI.create(local(next))).build()
                : html(200, signInPage.data("next", local(next)).data("error", null)));
    }

    /** The token comes in the form's body, never in a URL; the answer sets the session cookie and never echoes the token. */
    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<RestResponse<String>> signIn(@FormParam("token") String token, @FormParam("next") String next,
                                @HeaderParam("Origin") String origin, @HeaderParam("Host") String host, @Context UriInfo uri,
                                @HeaderParam("X-Forwarded-Proto") String forwardedProto) {
        if (!sameOrigin(origin, host)) {
            return Uni.createFrom().item(text(403, "cross-site sign-in refused"));
        }
        return signIn.signIn(token).flatMap(opened -> audited(opened.map(o -> o.caller().name()).orElse(ANONYMOUS),
                "console.sign-in", opened.isPresent() ? 303 : 401).map(nothing -> opened.isEmpty()
                ? html(401, signInPage.data("next", local(next)).data("error", "That token was not accepted."))
                : RestResponse.ResponseBuilder.<String>seeOther(URI.create(local(next)))
                .header("Set-Cookie", cookie(opened.get().id(), config.console().lifetime().toSeconds(), secure(uri, forwardedProto)))
                .header("Cache-Control", "no-store").build()));
    }

    @POST
    @Path("sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<RestResponse<String>> signOut(@CookieParam(ConsoleSessions.COOKIE) String session, @FormParam("csrf") String csrf,
                                 @HeaderParam("Origin") String origin, @HeaderParam("Host") String host, @Context UriInfo uri,
                                 @HeaderParam("X-Forwarded-Proto") String forwardedProto) {
        if (!sameOrigin(origin, host)) {
            return Uni.createFrom().item(text(403, "cross-site sign-out refused"));
        }
        return sessions.find(session).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(signedOut(uri, forwardedProto));
            }
            if (!found.get().csrfMatches(csrf)) {
                return Uni.createFrom().item(text(403, "sign-out needs the page's CSRF token"));
            }
            return sessions.close(session).chain(() -> audited(found.get().caller().name(), "console.sign-out", 303))
                    .map(nothing -> signedOut(uri, forwardedProto));
        });
    }

    /** Sign-in and sign-out in the audit trail (they are no /api/ calls, which AuditFilter records). */
    private Uni<Void> audited(String actor, String action, int status) {
        return auditTrail.append(new AuditWriter.NewRecord(actor, null, action, "console session", status, UUID.randomUUID().toString()));
    }

    private RestResponse<String> signedOut(UriInfo uri, String forwardedProto) {
        return RestResponse.ResponseBuilder.<String>seeOther(URI.create("/sign-in")).header("Set-Cookie", cookie("", 0, secure(uri, forwardedProto))).build();
    }

    private Uni<RestResponse<String>> page(String session, UriInfo uri, String name, Template template) {
        return sessions.find(session).map(found -> {
            if (found.isEmpty()) {
                String back = uri.getRequestUri().getRawPath()
                        + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery());
                return RestResponse.ResponseBuilder.<String>seeOther(URI.create("/sign-in?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8))).build();
            }
            ConsoleApiResource.Me me = ConsoleApiResource.Me.of(found.get().caller());
            return html(200, template.data("page", name).data("me", me).data("meJson", toJson(me))
                    .data("csrf", ConsoleSessions.csrfToken(session)));
        });
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RestResponse<String> text(int status, String message) {
        return RestResponse.ResponseBuilder.<String>create(status).type(MediaType.TEXT_PLAIN).entity(message).build();
    }

    private static RestResponse<String> html(int status, TemplateInstance page) {
        return RestResponse.ResponseBuilder.<String>create(status).type("text/html;charset=UTF-8").entity(page.render())
                .header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin") // "no-referrer" would make a form post's Origin "null"
                .header("Cache-Control", "no-store")
                .build();
    }

    static String cookie(String value, long maxAgeSeconds, boolean secure) {
        return ConsoleSessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    private static boolean secure(UriInfo uri, String forwardedProto) {
        return "https".equalsIgnoreCase(uri.getRequestUri().getScheme()) || "https".equalsIgnoreCase(forwardedProto);
    }

    /**
     * A form posted from another site is refused: browsers send Origin with every POST, and it must
     * name the host (and port) the request was sent to.
     */
    static boolean sameOrigin(String origin, String host) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        try {
            URI from = URI.create(origin);
            if (from.getHost() == null || host == null) {
                return false;
            }
            String authority = from.getPort() == -1 ? from.getHost() : from.getHost() + ":" + from.getPort();
            String defaultPort = "https".equalsIgnoreCase(from.getScheme()) ? ":443" : ":80";
            return host.equalsIgnoreCase(authority) || host.equalsIgnoreCase(authority + defaultPort)
                    || (host + defaultPort).equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Only a path of this site: never another site (an open redirect) or a scheme-relative URL. */
    static String local(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.contains("\r")
                || next.contains("\n")) {
            return "/";
        }
        return next;
    }
}
