package com.rediacc.bridge.ssh;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.concurrent.CompletableFuture;

/**
 * The host key a connection must present, carried in the connection context, and what the server
 * actually presented. Only an exact match with the machine's registered key is accepted.
 */
final class HostKeyCheck {
    static final AttributeRepository.AttributeKey<HostKeyCheck> KEY = new AttributeRepository.AttributeKey<>();

    final PublicKey expected;
    volatile PublicKey presented;
    /** Completed once the server presented its key: true when it is the expected one. */
    final CompletableFuture<Boolean> verified = new CompletableFuture<>();

    HostKeyCheck(PublicKey expected) {
        this.expected = expected;
    }

    boolean mismatched() {
        return presented != null && !KeyUtils.compareKeys(expected, presented);
    }

    String describeMismatch(String machine, String address) {
        return "host key mismatch: " + address + " presented " + KeyUtils.getKeyType(presented) + " "
                + KeyUtils.getFingerPrint(presented) + " but machine '" + machine + "' is registered with "
                + KeyUtils.getKeyType(expected) + " " + KeyUtils.getFingerPrint(expected)
                + "; the command was not run";
    }

    /** The client-wide verifier: looks up the check of the connection being verified. */
    static final class Verifier implements ServerKeyVerifier {
        @Override
        public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
            AttributeRepository context = session.getConnectionContext();
            HostKeyCheck check = context == null ? null : context.getAttribute(KEY);
            if (check == null) {
                return false;
            }
            check.presented = serverKey;
            boolean matches = KeyUtils.compareKeys(check.expected, serverKey);
            check.verified.complete(matches);
            return matches;
        }
    }
}
