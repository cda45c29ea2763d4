package com.rediacc.queue.functions;

import com.rediacc.queue.tasks.NewTask;
import com.rediacc.queue.tasks.TaskValidation;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Field checks for a new version of a function; every bad field is reported at once, and nothing is stored. */
final class FunctionValidation {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    static final int MAX_PARAMS = 50;
    static final int MAX_DESCRIPTION = 1000;
    /** Variables the shell or the login need as they are; a param of that name would change how the script runs. */
    static final Set<String> RESERVED = Set.of("PATH", "HOME", "SHELL", "USER", "LOGNAME", "IFS", "PWD", "OLDPWD",
            "SHLVL", "ENV", "BASH_ENV", "CDPATH", "PS4", "LD_PRELOAD", "LD_LIBRARY_PATH", "TERM", "LANG");

    private FunctionValidation() {
    }

    static FunctionRequest validate(String name, FunctionRequest request, int maxScriptBytes) {
        if (request == null) {
            throw ProblemException.badRequest("a JSON body with the function is required: {\"script\": ..., \"params\": [...]}");
        }
        List<FieldError> errors = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "lowercase letters, digits, '_' and '-', 1-63 characters"));
        }
        if (request.description() != null && request.description().length() > MAX_DESCRIPTION) {
            errors.add(new FieldError("description", "is longer than " + MAX_DESCRIPTION + " characters"));
        }
        TaskValidation.command(errors, "script", request.script(), maxScriptBytes);
        List<Param> params = request.params() == null ? List.of() : request.params();
        if (params.size() > MAX_PARAMS) {
            errors.add(new FieldError("params", "at most " + MAX_PARAMS + " params"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < params.size(); i++) {
            param(errors, "params[" + i + "]", params.get(i), seen);
        }
        FunctionDefaults defaults = request.defaults() == null ? FunctionDefaults.NONE : request.defaults();
        TaskValidation.options(errors, "defaults.", defaults.priority() == null ? NewTask.DEFAULT_PRIORITY : defaults.priority(),
                defaults.maxRetries() == null ? 0 : defaults.maxRetries(),
                defaults.retryDelay() == null ? NewTask.DEFAULT_RETRY_DELAY : defaults.retryDelay(),
                defaults.timeoutSeconds(), defaults.tag());
        if (defaults.onExit() != null) {
            TaskValidation.command(errors, "defaults.onExit.command", defaults.onExit().command(), maxScriptBytes);
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new FunctionRequest(request.description(), request.script(), List.copyOf(params), defaults);
    }

    private static void param(List<FieldError> errors, String at, Param param, Set<String> seen) {
        if (param == null) {
            errors.add(new FieldError(at, "is required: {\"name\": ..., \"type\": \"string|int|bool|enum\"}"));
            return;
        }
        String name = param.name();
        if (name == null || !PARAM_NAME.matcher(name).matches()) {
            errors.add(new FieldError(at + ".name", "letters, digits and '_', not starting with a digit, 1-64 characters:"
                    + " it becomes an environment variable"));
        } else if (name.toUpperCase(Locale.ROOT).startsWith("REDIACC_") || RESERVED.contains(name)) {
            errors.add(new FieldError(at + ".name", "'" + name + "' is reserved (REDIACC_*, " + RESERVED + ")"));
        } else if (!seen.add(name)) {
            errors.add(new FieldError(at + ".name", "'" + name + "' is declared twice"));
        }
        if (param.type() == null) {
            errors.add(new FieldError(at + ".type", "is required: string, int, bool or enum"));
            return;
        }
        if (param.type() == Param.Type.ENUM && (param.values() == null || param.values().isEmpty()
                || param.values().stream().anyMatch(v -> v == null || v.isEmpty() || v.length() > 255))) {
            errors.add(new FieldError(at + ".values", "an enum needs its values: 1 to 255 characters each"));
        } else if (param.type() != Param.Type.ENUM && param.values() != null) {
            errors.add(new FieldError(at + ".values", "only an enum has values"));
        }
        if (param.defaultValue() != null && !param.defaultValue().isNull()) {
            if (param.isSecret()) {
                errors.add(new FieldError(at + ".default", "a secret param has no default: it would be stored in the clear"));
            } else if (param.type() != Param.Type.ENUM || param.values() != null) {
                if (ParamValues.text(param, param.defaultValue()) == null) {
                    errors.add(new FieldError(at + ".default", "must be " + ParamValues.describe(param)));
                }
            }
        }
    }
}
