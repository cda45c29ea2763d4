package com.rediacc.queue.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rediacc.web.FieldError;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The params a task gives a function, checked against its declaration. Non-secret values become
 * the script's environment (as text: ints in decimal, bools as true/false); secret values go only
 * to its stdin. Ints and bools may be given as JSON numbers and booleans or as their text (what a
 * command line sends).
 */
public final class ParamValues {
    private static final Pattern INT = Pattern.compile("-?\\d{1,18}");

    /**
     * @param environment the non-secret params by name, as the script sees them
     * @param shown       the non-secret params as the task shows them
     * @param secrets     the secret params, for the script's stdin (null when none)
     */
    public record Resolved(Map<String, String> environment, ObjectNode shown, ObjectNode secrets) {
    }

    private ParamValues() {
    }

    /** Checks {@code given} against {@code function}'s params; problems go to {@code errors} as {@code params.<name>}. */
    public static Resolved resolve(FunctionDefinition function, JsonNode given, List<FieldError> errors) {
        Map<String, String> environment = new LinkedHashMap<>();
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        ObjectNode secrets = JsonNodeFactory.instance.objectNode();
        if (given != null && !given.isNull() && !given.isObject()) {
            errors.add(new FieldError("params", "must be a JSON object of param values"));
            return new Resolved(environment, shown, null);
        }
        if (given != null) {
            for (Iterator<String> names = given.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (function.param(name).isEmpty()) {
                    errors.add(new FieldError("params." + name, "is not a param of function " + function.label()
                            + "; it takes " + function.params().stream().map(Param::name).toList()));
                }
            }
        }
        for (Param param : function.params()) {
            JsonNode value = given == null || given.isNull() ? null : given.get(param.name());
            if (value == null || value.isNull()) {
                value = param.defaultValue();
            }
            if (value == null || value.isNull()) {
                if (param.isRequired()) {
                    errors.add(new FieldError("params." + param.name(), "is required (" + describe(param) + ")"));
                }
                continue;
            }
            String text = text(param, value);
            if (text == null) {
                errors.add(new FieldError("params." + param.name(), "must be " + describe(param)));
            } else if (text.indexOf('\0') >= 0) {
                errors.add(new FieldError("params." + param.name(), "must not contain NUL characters"));
            } else if (param.isSecret()) {
                switch (param.type()) {
                    case INT -> secrets.put(param.name(), Long.parseLong(text));
                    case BOOL -> secrets.put(param.name(), Boolean.parseBoolean(text));
                    default -> secrets.put(param.name(), text);
                }
            } else {
                environment.put(param.name(), text);
                shown.put(param.name(), text);
            }
        }
        return new Resolved(environment, shown, secrets.isEmpty() ? null : secrets);
    }

    /** The value as the script sees it, or null when it is not of the param's type. */
    static String text(Param param, JsonNode value) {
        return switch (param.type()) {
            case STRING -> value.isTextual() ? value.asText() : null;
            case INT -> value.isIntegralNumber() && value.canConvertToLong() ? Long.toString(value.asLong())
                    : value.isTextual() && INT.matcher(value.asText()).matches() ? Long.toString(Long.parseLong(value.asText()))
                    : null;
            case BOOL -> value.isBoolean() ? Boolean.toString(value.asBoolean())
                    : value.isTextual() && (value.asText().equals("true") || value.asText().equals("false")) ? value.asText()
                    : null;
            case ENUM -> value.isTextual() && param.values() != null && param.values().contains(value.asText())
                    ? value.asText() : null;
        };
    }

    static String describe(Param param) {
        return switch (param.type()) {
            case STRING -> "a string";
            case INT -> "an integer";
            case BOOL -> "true or false";
            case ENUM -> "one of " + param.values();
        };
    }
}
