package com.rediacc.queue.teams;

import java.util.regex.Pattern;

/** What a team's name may look like, wherever one is given. */
public final class TeamNames {
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    public static final String RULE = "letters, digits, '_' and '-', 1-63 characters, starting with a letter or digit";

    private TeamNames() {
    }

    public static boolean valid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}
