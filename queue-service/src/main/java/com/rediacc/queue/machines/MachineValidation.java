package com.rediacc.queue.machines;

import com.rediacc.queue.api.FieldError;
import com.rediacc.queue.api.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a machine registration field by field; reports every bad field at once. */
final class MachineValidation {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern TEAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    private static final Pattern CREDENTIAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

    private MachineValidation() {
    }

    static Machine validate(MachineRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("a JSON body with the machine is required");
        }
        List<FieldError> errors = new ArrayList<>();
        check(errors, "name", request.name(), NAME, "lowercase letters, digits and '-', 1-63 characters, starting with a letter or digit");
        check(errors, "team", request.team(), TEAM, "letters, digits, '_' and '-', 1-63 characters");
        check(errors, "host", request.host(), HOST, "a host name or IP address");
        check(errors, "user", request.user(), USER, "a POSIX user name");
        check(errors, "credential", request.credential(), CREDENTIAL, "the name of the secret with the SSH private key");
        int port = request.port() == null ? 22 : request.port();
        if (port < 1 || port > 65535) {
            errors.add(new FieldError("port", "must be between 1 and 65535"));
        }
        if (request.hostKey() == null || request.hostKey().isBlank()) {
            errors.add(new FieldError("hostKey", "is required: the machine's SSH host public key, e.g. the content of /etc/ssh/ssh_host_ed25519_key.pub"));
        } else {
            String why = HostKeys.problem(request.hostKey());
            if (why != null) {
                errors.add(new FieldError("hostKey", why));
            }
        }
        int maxConcurrency = request.maxConcurrency() == null ? 1 : request.maxConcurrency();
        if (maxConcurrency < 1 || maxConcurrency > 256) {
            errors.add(new FieldError("maxConcurrency", "must be between 1 and 256"));
        }
        List<String> tags = request.tags() == null ? List.of() : request.tags();
        for (int i = 0; i < tags.size(); i++) {
            if (tags.get(i) == null || !TEAM.matcher(tags.get(i)).matches()) {
                errors.add(new FieldError("tags[" + i + "]", "letters, digits, '_' and '-', 1-63 characters"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new Machine(request.name(), request.team(), request.host(), port, request.user(),
                request.hostKey().trim(), request.credential(), List.copyOf(tags), maxConcurrency, false, null);
    }

    private static void check(List<FieldError> errors, String field, String value, Pattern pattern, String rule) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        } else if (!pattern.matcher(value).matches()) {
            errors.add(new FieldError(field, "must be " + rule));
        }
    }
}
