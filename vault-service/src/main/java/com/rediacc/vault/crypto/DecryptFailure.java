package com.rediacc.vault.crypto;

/**
 * Why a ciphertext was refused. Messages name the team, key version and what was wrong; they never
 * contain plaintext or key material, so they can go to the caller and to the audit log as they are.
 */
public class DecryptFailure extends Exception {
    public enum Reason {
        MALFORMED("urn:rediacc:vault:malformed-ciphertext", "Malformed ciphertext"),
        WRONG_TEAM("urn:rediacc:vault:wrong-team", "Ciphertext of another team"),
        UNKNOWN_KEY_VERSION("urn:rediacc:vault:unknown-key-version", "Unknown key version"),
        NOT_AUTHENTIC("urn:rediacc:vault:does-not-decrypt", "Does not decrypt");

        private final String type;
        private final String title;

        Reason(String type, String title) {
            this.type = type;
            this.title = title;
        }

        public String type() {
            return type;
        }

        public String title() {
            return title;
        }
    }

    public static final String NOT_AUTHENTIC_DETAIL =
            "the ciphertext does not decrypt in this context: tampered, or bound to another team or task";

    private final Reason reason;

    public DecryptFailure(Reason reason, String detail) {
        // No stack trace: this is an expected outcome, not a bug, and it is never logged with one.
        super(detail, null, false, false);
        this.reason = reason;
    }

    public static DecryptFailure malformed(String why) {
        return new DecryptFailure(Reason.MALFORMED,
                "malformed ciphertext: " + why + " (expected vault:v1:<team>:<keyVersion>:<wrapped key>.<data>)");
    }

    public static DecryptFailure wrongTeam(String ciphertextTeam, String team) {
        return new DecryptFailure(Reason.WRONG_TEAM,
                "the ciphertext belongs to team " + ciphertextTeam + ", not to team " + team);
    }

    public static DecryptFailure unknownKeyVersion(String team, int version) {
        return new DecryptFailure(Reason.UNKNOWN_KEY_VERSION,
                "key version " + version + " of team " + team + " does not exist");
    }

    public static DecryptFailure notAuthentic() {
        return new DecryptFailure(Reason.NOT_AUTHENTIC, NOT_AUTHENTIC_DETAIL);
    }

    public Reason reason() {
        return reason;
    }
}
