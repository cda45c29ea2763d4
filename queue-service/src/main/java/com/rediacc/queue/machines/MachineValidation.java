package com.rediacc.queue.machines;

import com.rediacc.queue.teams.TeamNames;
import com.rediacc.web.FieldError;
import com.rediacc.web.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a machine's fields one by one; reports every bad field at once. */
final class MachineValidation {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern CREDENTIAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    private static final Pattern TAG = TeamNames.PATTERN;

    private MachineValidation() {
    }

    /** A registration: name, team, host, user, hostKey and credential are required. */
    static Machine validate(MachineRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("a JSON body with the machine is required");
        }
        List<FieldError> errors = new ArrayList<>();
        check(errors, "name", request.name(), NAME, "lowercase letters, digits and '-', 1-63 characters, starting with a letter or digit");
        check(errors, "team", request.team(), TeamNames.PATTERN, TeamNames.RULE);
        Machine machine = new Machine(request.name(), request.team(), request.host(),
                request.port() == null ? 22 : request.port(), request.user(),
                request.hostKey() == null ? null : request.hostKey().trim(), request.credential(),
                request.tags() == null ? List.of() : request.tags(),
                request.maxConcurrency() == null ? 1 : request.maxConcurrency(), false, null);
        checkSettings(errors, machine);
        throwIfAny(errors);
        return withCopiedTags(machine);
    }

    /** A change: only the fields given change; name and team never do. */
    static Machine apply(Machine existing, MachineRequest patch) {
        if (patch == null) {
            throw ProblemException.badRequest("a JSON body with the fields to change is required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (patch.name() != null && !patch.name().equals(existing.name())) {
            errors.add(new FieldError("name", "cannot be changed; register a new machine instead"));
        }
        if (patch.team() != null && !patch.team().equals(existing.team())) {
            errors.add(new FieldError("team", "cannot be changed; register the machine in the other team instead"));
        }
        Machine changed = new Machine(existing.name(), existing.team(),
                patch.host() != null ? patch.host() : existing.host(),
                patch.port() != null ? patch.port() : existing.port(),
                patch.user() != null ? patch.user() : existing.user(),
                patch.hostKey() != null ? patch.hostKey().trim() : existing.hostKey(),
                patch.credential() != null ? patch.credential() : existing.credential(),
                patch.tags() != null ? patch.tags() : existing.tags(),
                patch.maxConcurrency() != null ? patch.maxConcurrency() : existing.maxConcurrency(),
                existing.paused(), existing.createdAt());
        checkSettings(errors, changed);
        throwIfAny(errors);
        return withCopiedTags(changed);
    }

    private static void checkSettings(List<FieldError> errors, Machine m) {
        check(errors, "host", m.host(), HOST, "a host name or IP address");
        check(errors, "user", m.user(), USER, "a POSIX user name");
        check(errors, "credential", m.credential(), CREDENTIAL, "the name of the team vault entry with the SSH private key");
        if (m.port() < 1 || m.port() > 65535) {
            errors.add(new FieldError("port", "must be between 1 and 65535"));
        }
        if (m.hostKey() == null || m.hostKey().isBlank()) {
            errors.add(new FieldError("hostKey", "is required: the machine's SSH host public key, e.g. the content of /etc/ssh/ssh_host_ed25519_key.pub"));
        } else {
            String why = HostKeys.problem(m.hostKey());
            if (why != null) {
                errors.add(new FieldError("hostKey", why));
            }
        }
        if (m.maxConcurrency() < 1 || m.maxConcurrency() > 256) {
            errors.add(new FieldError("maxConcurrency", "must be between 1 and 256"));
        }
        for (int i = 0; i < m.tags().size(); i++) {
            if (m.tags().get(i) == null || !TAG.matcher(m.tags().get(i)).matches()) {
                errors.add(new FieldError("tags[" + i + "]", "letters, digits, '_' and '-', 1-63 characters"));
            }
        }
    }

    private static Machine withCopiedTags(Machine m) {
        return new Machine(m.name(), m.team(), m.host(), m.port(), m.user(), m.hostKey(), m.credential(),
                List.copyOf(m.tags()), m.maxConcurrency(), m.paused(), m.createdAt());
    }

    private static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    private static void check(List<FieldError> errors, String field, String value, Pattern pattern, String rule) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        } else if (!pattern.matcher(value).matches()) {
            errors.add(new FieldError(field, "must be " + rule));
        }
    }
}
