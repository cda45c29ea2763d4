package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * An error answer of the REST API. Renders RFC 9457 problem+json ({type, title, status, detail,
 * errors: [{field, message}]}) as a message an operator can act on.
 */
final class ApiException extends RuntimeException {
    private static final ObjectMapper JSON = new ObjectMapper();

    final int status;
    final String title;
    final String detail;
    final List<String[]> fieldErrors;
    final String request;

    ApiException(int status, String title, String detail, List<String[]> fieldErrors, String request) {
        super(detail != null ? detail : title);
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.fieldErrors = fieldErrors;
        this.request = request;
    }

    /** From a response body: problem+json when it is one, else the start of whatever came back. */
    static ApiException of(int status, String contentType, String body, String request) {
        List<String[]> fields = new ArrayList<>();
        if (body != null && !body.isBlank() && (contentType == null || contentType.contains("json"))) {
            try {
                JsonNode problem = JSON.readTree(body);
                if (problem.isObject() && (problem.has("detail") || problem.has("title"))) {
                    problem.path("errors").forEach(e -> fields.add(new String[]{e.path("field").asText(""), e.path("message").asText("")}));
                    return new ApiException(status, text(problem, "title"), text(problem, "detail"), fields, request);
                }
            } catch (Exception ignored) {
                // not JSON: fall through
            }
        }
        String snippet = body == null ? "" : body.strip();
        if (snippet.length() > 200) {
            snippet = snippet.substring(0, 200) + "…";
        }
        return new ApiException(status, null, snippet.isEmpty() ? null : snippet, fields, request);
    }

    /** "no task 42 (404 Not Found)" and one line per offending field. */
    String render() {
        StringBuilder message = new StringBuilder();
        String what = detail != null && !detail.isBlank() ? detail
                : title != null ? title : request + " failed";
        message.append(what).append(" (HTTP ").append(status).append(' ').append(reason()).append(')');
        for (String[] field : fieldErrors) {
            message.append("\n  ").append(field[0].isEmpty() ? "" : field[0] + ": ").append(field[1]);
        }
        return message.toString();
    }

    /**
     * A problem+json object that came inside an answer (a batch item's {@code problem}) on one
     * line: "invalid request (HTTP 400 Bad Request): machine: is required; priority: ...".
     */
    static String oneLine(JsonNode problem, String request) {
        ApiException e = of(problem.path("status").asInt(0), "application/problem+json", problem.toString(), request);
        StringBuilder line = new StringBuilder(e.render().lines().findFirst().orElse(""));
        for (int i = 0; i < e.fieldErrors.size(); i++) {
            String[] field = e.fieldErrors.get(i);
            line.append(i == 0 ? ": " : "; ").append(field[0].isEmpty() ? "" : field[0] + ": ").append(field[1]);
        }
        return line.toString();
    }

    String hint() {
        return switch (status) {
            case 401 -> "the token was refused: check --token, REDIACC_TOKEN or run: rediacc login";
            case 403 -> "your role in this team does not allow it (VIEWER reads, OPERATOR runs tasks, ADMIN manages)";
            case 503 -> request != null && request.startsWith("GET ")
                    ? "the server is up but something it needs is down (tried " + ApiClient.ATTEMPTS + " times); try again later"
                    : "not repeated: the change may or may not have been made; check before you repeat it"
                    + " (create task --idempotency-key K is safe to repeat)";
            case 404 -> title == null && detail == null ? "the server does not know " + request + " (is it a rediacc queue-service of this version?)" : null;
            default -> null;
        };
    }

    private String reason() {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> title != null ? title : "";
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
