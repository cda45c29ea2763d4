package com.rediacc.vault.crypto;

import java.util.Arrays;
import java.util.Base64;

/**
 * A parsed ciphertext: {@code vault:v1:<team>:<keyVersion>:<wrapped data key>.<data>}, both parts
 * unpadded base64url. {@code team} and {@code keyVersion} say which key-encryption key wrapped the
 * data key; both parts are authenticated with the team and context as associated data.
 */
public record VaultCiphertext(String team, int keyVersion, byte[] wrappedKey, byte[] data) {
    public static final String PREFIX = "vault:v1:";
    private static final int MAX_VERSION_DIGITS = 9;

    public String format() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return PREFIX + team + ":" + keyVersion + ":" + b64.encodeToString(wrappedKey) + "." + b64.encodeToString(data);
    }

    public static VaultCiphertext parse(String text) throws DecryptFailure {
        if (text == null || text.isBlank()) {
            throw DecryptFailure.malformed("it is empty");
        }
        if (!text.startsWith(PREFIX)) {
            if (text.startsWith("vault:")) {
                throw DecryptFailure.malformed("unsupported format version (this vault reads v1)");
            }
            throw DecryptFailure.malformed("it does not start with '" + PREFIX + "'");
        }
        String[] fields = text.substring(PREFIX.length()).split(":", -1);
        if (fields.length != 3) {
            throw DecryptFailure.malformed("it has " + (fields.length + 2) + " ':'-separated fields instead of 5");
        }
        String team = fields[0];
        if (!Names.validTeam(team)) {
            throw DecryptFailure.malformed("the team field is not a team name");
        }
        int version = version(fields[1]);
        String[] parts = fields[2].split("\\.", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw DecryptFailure.malformed("the payload is not <wrapped key>.<data>");
        }
        return new VaultCiphertext(team, version, base64url(parts[0], "wrapped key"), base64url(parts[1], "data"));
    }

    private static int version(String field) throws DecryptFailure {
        if (field.isEmpty() || field.length() > MAX_VERSION_DIGITS || !field.chars().allMatch(c -> c >= '0' && c <= '9')
                || field.charAt(0) == '0') {
            throw DecryptFailure.malformed("the key version is not a positive number");
        }
        return Integer.parseInt(field);
    }

    /** Strict unpadded base64url: one spelling per byte string, so a ciphertext cannot be re-spelled. */
    private static byte[] base64url(String part, String what) throws DecryptFailure {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw DecryptFailure.malformed("the " + what + " part is not unpadded base64url");
            }
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw DecryptFailure.malformed("the " + what + " part is not unpadded base64url");
        }
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(part)) {
            throw DecryptFailure.malformed("the " + what + " part is not canonical base64url");
        }
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VaultCiphertext that && team.equals(that.team) && keyVersion == that.keyVersion
                && Arrays.equals(wrappedKey, that.wrappedKey) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * team.hashCode() + keyVersion) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "VaultCiphertext[team=" + team + ", keyVersion=" + keyVersion + "]";
    }
}
