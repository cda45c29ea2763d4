package com.rediacc.queue.machines;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/** Checks that a string is an OpenSSH public key line ({@code type base64 [comment]}). */
final class HostKeys {
    private static final Set<String> TYPES = Set.of(
            "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521");

    private HostKeys() {
    }

    /** Returns null when valid, else why not. */
    static String problem(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 2) {
            return "must be an OpenSSH public key line: '<type> <base64> [comment]'";
        }
        if (!TYPES.contains(parts[0])) {
            return "unsupported key type '" + parts[0] + "'; use one of " + String.join(", ", TYPES.stream().sorted().toList());
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            return "key data is not valid base64";
        }
        // The blob starts with the key type as an SSH string: uint32 length, then the name.
        ByteBuffer buffer = ByteBuffer.wrap(blob);
        if (buffer.remaining() < 4) {
            return "key data is too short";
        }
        int length = buffer.getInt();
        if (length <= 0 || length > buffer.remaining()) {
            return "key data is malformed";
        }
        String embedded = new String(blob, 4, length, StandardCharsets.US_ASCII);
        if (!embedded.equals(parts[0])) {
            return "key data is of type '" + embedded + "' but the line says '" + parts[0] + "'";
        }
        return null;
    }
}
