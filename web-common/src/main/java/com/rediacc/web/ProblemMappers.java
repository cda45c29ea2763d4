package com.rediacc.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns every failure into an RFC 9457 problem response; nothing leaks a stack trace. Jackson's own
 * messages are never echoed nor logged: they quote pieces of the request body, which may be a secret
 * (a task's vaultData, a vault plaintext). A body that cannot be read is answered with the field that
 * is unknown or has the wrong type, or where the JSON is malformed. Quarkus' own log line for such a
 * body is kept quiet by this jar's META-INF/microprofile-config.properties.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        String field = path(e);
        return respond(new Problem("about:blank", "Invalid request", 400,
                "unknown field '" + field + "'", List.of(new FieldError(field, "unknown field"))));
    }

    /** Overrides Quarkus' built-in mappers for these two, which answer in their own JSON shape. */
    @ServerExceptionMapper
    public Response wrongType(InvalidFormatException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        JsonParseException malformed = malformed(e);
        if (malformed == null && e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = path(mapping);
            return respond(new Problem("about:blank", "Invalid request", 400,
                    field + ": wrong type or format", List.of(new FieldError(field, "wrong type or format"))));
        }
        JsonLocation at = (malformed != null ? malformed : e).getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return respond(new Problem("about:blank", "Malformed JSON", 400,
                "the request body is not valid JSON" + where, List.of()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        // Quarkus REST wraps body parse errors in a 400 WebApplicationException.
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof UnrecognizedPropertyException unknown) {
                return unknownField(unknown);
            }
            if (cause instanceof JsonProcessingException json) {
                return badJson(json);
            }
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String detail = switch (status) {
            case 400 -> "the request could not be read";
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            case 406 -> "this resource answers application/json only";
            case 413 -> "request body too large";
            case 415 -> "unsupported media type; send application/json";
            default -> title;
        };
        return respond(new Problem("about:blank", title, status, detail, List.of()));
    }

    /** Throwable, not Exception: the reactive SQL client fails some calls with a NoStackTraceThrowable. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (Unavailable.orDatabase(e) instanceof ProblemException outage) {
            LOG.warnf("answered 503: %s", outage.getMessage());
            return respond(outage);
        }
        LOG.error("unexpected failure (messages withheld)", WithheldMessages.of(e));
        return respond(new Problem("about:blank", "Internal error", 500,
                "the server failed to handle the request; see its log", List.of()));
    }

    public static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** The problem of {@code e}, with its {@code Retry-After} (whole seconds) if it has one. */
    public static Response respond(ProblemException e) {
        Response.ResponseBuilder response = Response.status(e.status()).type(Problem.MEDIA_TYPE).entity(e.toProblem());
        e.retryAfter().ifPresent(wait -> response.header(HttpHeaders.RETRY_AFTER, Math.max(1, wait.toSeconds())));
        return response.build();
    }

    /** The parse error behind {@code e}, if any: Jackson wraps one met inside a field's value, with that field's path. */
    private static JsonParseException malformed(Throwable e) {
        Throwable cause = e;
        for (int depth = 0; cause != null && depth < 10; depth++, cause = cause.getCause()) {
            if (cause instanceof JsonParseException parse) {
                return parse;
            }
        }
        return null;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
