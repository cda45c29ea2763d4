package com.rediacc.vault.crypto;

import java.util.regex.Pattern;

/** The shapes of team names and contexts, which go into ciphertexts and associated data. */
public final class Names {
    /** The same rule as queue-service's machine teams; never contains ':' or '|'. */
    public static final Pattern TEAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    public static final String TEAM_RULE = "letters, digits, '_' and '-', 1-63 characters, starting with a letter or digit";
    public static final int MAX_CONTEXT_CHARS = 1024;
    public static final String CONTEXT_RULE = "1-" + MAX_CONTEXT_CHARS + " characters without control characters,"
            + " e.g. task:<taskId> or secret:<team>/<name>/<version>";

    private Names() {
    }

    public static boolean validTeam(String team) {
        return team != null && TEAM.matcher(team).matches();
    }

    public static boolean validContext(String context) {
        if (context == null || context.isEmpty() || context.length() > MAX_CONTEXT_CHARS) {
            return false;
        }
        return context.codePoints().noneMatch(Character::isISOControl);
    }
}
