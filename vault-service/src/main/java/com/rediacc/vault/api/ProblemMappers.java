package com.rediacc.vault.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns every failure into an RFC 9457 problem response; nothing leaks a stack trace. Unlike the
 * queue-service, Jackson's own messages are never echoed: they quote pieces of the request body,
 * which here may be plaintext.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.toProblem());
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
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = path(mapping);
            return respond(new Problem("about:blank", "Invalid request", 400,
                    field + ": wrong type or format", List.of(new FieldError(field, "wrong type or format"))));
        }
        JsonLocation at = e.getLocation();
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

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        // Types and stack frames only: a message might quote request data. Nothing in this service
        // puts plaintext into an exception, but the log is no place to find out otherwise.
        LOG.error("unexpected failure (messages withheld)", scrub(e, 0));
        return respond(new Problem("about:blank", "Internal error", 500,
                "the server failed to handle the request; see its log", List.of()));
    }

    public static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** The same chain of exception types and stack traces, without their messages. */
    static Throwable scrub(Throwable e, int depth) {
        Throwable cause = e.getCause() != null && e.getCause() != e && depth < 10 ? scrub(e.getCause(), depth + 1) : null;
        Throwable copy = new Withheld(e.getClass().getName(), cause);
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    private static final class Withheld extends RuntimeException {
        Withheld(String type, Throwable cause) {
            super(type, cause);
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
