package com.rediacc.bridge.ssh;

import com.rediacc.contract.bridge.MachineConnection;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared {@link SshClient}; one authenticated session per machine, reused by every task on it
 * (each task gets its own channel). A session is keyed by everything that identifies the login, so
 * a changed host, key or credential opens a new one.
 */
public final class SshSessionPool implements AutoCloseable {
    private final SshClient client;
    private final Duration connectTimeout;
    private final Duration authTimeout;
    private final Map<SessionKey, ClientSession> sessions = new ConcurrentHashMap<>();
    private final Map<SessionKey, Object> connectLocks = new ConcurrentHashMap<>();

    public SshSessionPool(Duration connectTimeout, Duration authTimeout, Duration idleTimeout) {
        this.connectTimeout = connectTimeout;
        this.authTimeout = authTimeout;
        client = SshClient.setUpDefaultClient();
        // Never consult ~/.ssh: the machine registry is the only source of hosts, users and host keys.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(new HostKeyCheck.Verifier());
        CoreModuleProperties.IDLE_TIMEOUT.set(client, idleTimeout);
        client.start();
    }

    /** An open, authenticated session to the machine, reused when one exists. */
    public ClientSession session(MachineConnection machine, KeyPair identity) throws SshFailure {
        SessionKey key = new SessionKey(machine.host(), machine.port(), machine.user(), machine.hostKey().trim(),
                identity.getPublic());
        ClientSession existing = sessions.get(key);
        if (usable(existing)) {
            return existing;
        }
        synchronized (connectLocks.computeIfAbsent(key, k -> new Object())) {
            existing = sessions.get(key);
            if (usable(existing)) {
                return existing;
            }
            ClientSession fresh = connect(machine, identity);
            sessions.put(key, fresh);
            return fresh;
        }
    }

    /** Drops a session that broke, so the next task reconnects. */
    public void discard(ClientSession session) {
        sessions.values().remove(session);
        session.close(true);
    }

    public int openSessions() {
        return (int) sessions.values().stream().filter(SshSessionPool::usable).count();
    }

    private ClientSession connect(MachineConnection machine, KeyPair identity) throws SshFailure {
        String address = machine.host() + ":" + machine.port();
        HostKeyCheck check = new HostKeyCheck(parseHostKey(machine));
        ClientSession session;
        try {
            ConnectFuture connecting = client.connect(machine.user(), machine.host(), machine.port(),
                    AttributeRepository.ofKeyValuePair(HostKeyCheck.KEY, check));
            session = connecting.verify(connectTimeout).getSession();
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.CONNECT, "cannot connect to " + address + ": " + rootMessage(e), e);
        }
        try {
            session.addPublicKeyIdentity(identity);
            session.auth().verify(authTimeout);
            return session;
        } catch (IOException e) {
            session.close(true);
            if (check.mismatched()) {
                throw new SshFailure(SshFailure.Kind.HOST_KEY_MISMATCH, check.describeMismatch(machine.name(), address), e);
            }
            if (check.presented == null) {
                throw new SshFailure(SshFailure.Kind.CONNECT,
                        "SSH handshake with " + address + " failed: " + rootMessage(e), e);
            }
            throw new SshFailure(SshFailure.Kind.AUTH, "authentication as '" + machine.user() + "' on " + address
                    + " failed: " + rootMessage(e), e);
        }
    }

    private static PublicKey parseHostKey(MachineConnection machine) throws SshFailure {
        try {
            return AuthorizedKeyEntry.parseAuthorizedKeyEntry(machine.hostKey().trim())
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new SshFailure(SshFailure.Kind.HOST_KEY_MISMATCH,
                    "the registered host key of machine '" + machine.name() + "' cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static boolean usable(ClientSession session) {
        return session != null && session.isOpen() && session.isAuthenticated();
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : message + " (" + e.getMessage() + ")";
    }

    @Override
    public void close() {
        sessions.values().forEach(s -> s.close(true));
        sessions.clear();
        client.stop();
    }

    private record SessionKey(String host, int port, String user, String hostKey, PublicKey identity) {
        SessionKey {
            Objects.requireNonNull(host);
        }
    }
}
