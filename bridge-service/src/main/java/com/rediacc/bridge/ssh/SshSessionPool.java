package com.rediacc.bridge.ssh;

import com.rediacc.contract.bridge.MachineCheck;
import com.rediacc.contract.bridge.MachineConnection;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * One shared {@link SshClient}; authenticated sessions per machine, reused by every task on it
 * (each task gets its own channel). Sessions are keyed by everything that identifies the login, so
 * a changed host, host key or credential opens a new one. A session no task used for
 * {@code idleTimeout} is closed by the pool itself: the keepalive replies count as traffic for
 * MINA's own idle timeout, which would then never close it.
 */
public final class SshSessionPool implements SshSessions, AutoCloseable {
    /** Why a session broke (no keepalive answer, connection reset, ...), as its last exception said. */
    static final AttributeRepository.AttributeKey<String> FAILURE = new AttributeRepository.AttributeKey<>();

    private final SshClient client;
    private final Duration connectTimeout;
    private final Duration authTimeout;
    private final int maxChannelsPerSession;
    private final Duration idleTimeout;
    private final Map<SessionKey, List<PooledSession>> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService idleCheck = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ssh-idle-sessions").factory());

    /**
     * {@code keepaliveEvery}: a keepalive request goes to each machine this often; after
     * {@code keepaliveMissed} unanswered ones in a row the session is closed, so a machine that dropped
     * off the network fails its running commands within about {@code keepaliveEvery * (keepaliveMissed + 1)}.
     */
    public SshSessionPool(Duration connectTimeout, Duration authTimeout, Duration idleTimeout, int maxChannelsPerSession,
                          Duration keepaliveEvery, int keepaliveMissed) {
        this.connectTimeout = connectTimeout;
        this.authTimeout = authTimeout;
        this.maxChannelsPerSession = maxChannelsPerSession;
        this.idleTimeout = idleTimeout;
        client = SshClient.setUpDefaultClient();
        // Never consult ~/.ssh: the machine registry is the only source of hosts, users and host keys.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(new HostKeyCheck.Verifier());
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, keepaliveEvery);
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, keepaliveEvery);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, keepaliveMissed);
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionException(Session session, Throwable t) {
                session.setAttribute(FAILURE, rootMessage(t));
            }
        });
        client.start();
        long every = Math.max(100, Math.min(idleTimeout.toMillis() / 2, 30_000));
        idleCheck.scheduleWithFixedDelay(this::closeIdle, every, every, TimeUnit.MILLISECONDS);
    }

    /** Closes the sessions no task has used for {@code idleTimeout}. */
    void closeIdle() {
        long now = System.nanoTime();
        for (List<PooledSession> pooled : sessions.values()) {
            synchronized (pooled) {
                pooled.removeIf(p -> {
                    boolean idle = p.users.get() == 0 && now - p.idleSince >= idleTimeout.toNanos();
                    if (idle) {
                        p.session.close(true);
                    }
                    return idle;
                });
            }
        }
    }

    /**
     * A share of an open, authenticated session to the machine: an existing one with room for
     * another channel, else a new one. OpenSSH allows 10 channels per connection (MaxSessions), so
     * a session serves at most {@code maxChannelsPerSession} tasks at once, leaving room for the
     * channel that kills a command. Close the lease when the task's channel is closed.
     */
    @Override
    public Lease acquire(MachineConnection machine, KeyPair identity) throws SshFailure {
        return acquire(machine, java.util.Base64.getEncoder().encodeToString(identity.getPublic().getEncoded()),
                () -> identity);
    }

    /**
     * As above, for an identity known by {@code identityId} (e.g. the credential's vault version)
     * and loaded only when a new session must log in: a task that shares a pooled session needs
     * no decrypt of the private key at all.
     */
    @Override
    public Lease acquire(MachineConnection machine, String identityId, IdentitySource identity) throws SshFailure {
        SessionKey key = new SessionKey(machine.host(), machine.port(), machine.user(), machine.hostKey().trim(),
                identityId);
        List<PooledSession> pooled = sessions.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (pooled) {
            pooled.removeIf(p -> !usable(p.session));
            for (PooledSession candidate : pooled) {
                if (candidate.users.get() < maxChannelsPerSession) {
                    return new Lease(this, candidate, true);
                }
            }
            PooledSession fresh = new PooledSession(machine.name(), connect(machine, identity.keyPair()));
            pooled.add(fresh);
            return new Lease(this, fresh, true);
        }
    }

    /**
     * A share of one open session of each machine that has one with room for another channel, by
     * machine name: never opens a connection, never takes a task's last channel. Close each share.
     */
    public Map<String, Lease> shareOpenSessions() {
        Map<String, Lease> shares = new TreeMap<>();
        for (List<PooledSession> pooled : sessions.values()) {
            synchronized (pooled) {
                for (PooledSession candidate : pooled) {
                    if (usable(candidate.session) && candidate.users.get() < maxChannelsPerSession
                            && !shares.containsKey(candidate.machine)) {
                        // a resource sample does not keep an idle session open
                        shares.put(candidate.machine, new Lease(this, candidate, false));
                    }
                }
            }
        }
        return shares;
    }

    /** Checks a machine's connectivity step by step on a connection of its own, outside the pool. */
    public MachineCheck check(MachineConnection machine, String bridgeId,
                              IdentitySource identity) {
        return new ConnectionCheck(client, connectTimeout, authTimeout).run(machine, bridgeId, identity);
    }

    /** Sessions open now (the metrics' rediacc_ssh_sessions_open). */
    public int openSessions() {
        return count(pooled -> usable(pooled.session) ? 1 : 0);
    }

    /** Shares of sessions in use now: one per command running or being started, a resource sample's included (rediacc_ssh_channels_open). */
    public int openChannels() {
        return count(pooled -> pooled.users.get());
    }

    private int count(java.util.function.ToIntFunction<PooledSession> each) {
        int total = 0;
        for (List<PooledSession> pooled : sessions.values()) {
            synchronized (pooled) {
                for (PooledSession session : pooled) {
                    total += each.applyAsInt(session);
                }
            }
        }
        return total;
    }

    /** Drops a session that broke, so the next task reconnects. */
    public void discard(ClientSession session) {
        for (List<PooledSession> pooled : sessions.values()) {
            synchronized (pooled) {
                pooled.removeIf(p -> p.session == session);
            }
        }
        session.close(true);
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
            throw new SshFailure(SshFailure.Kind.CONNECT, "cannot connect to " + address + " (machine '" + machine.name()
                    + "'): " + rootMessage(e), e);
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

    static PublicKey parseHostKey(MachineConnection machine) throws SshFailure {
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
        idleCheck.shutdownNow();
        for (List<PooledSession> pooled : sessions.values()) {
            synchronized (pooled) {
                pooled.forEach(p -> p.session.close(true));
            }
        }
        sessions.clear();
        client.stop();
    }

    private record SessionKey(String host, int port, String user, String hostKey, String identityId) {
    }

    private static final class PooledSession {
        final String machine;
        final ClientSession session;
        final AtomicInteger users = new AtomicInteger();
        /** When its last task gave it back (System.nanoTime); read only while no task uses it. */
        volatile long idleSince = System.nanoTime();

        PooledSession(String machine, ClientSession session) {
            this.machine = machine;
            this.session = session;
        }
    }

    /** One task's share of a pooled session; closing it frees the share. */
    public static final class Lease implements SessionShare {
        private final SshSessionPool pool;
        private final PooledSession pooled;
        private final AtomicBoolean closed = new AtomicBoolean();
        /** Whether giving it back counts as a use of the session (a task's share), for the idle timeout. */
        private final boolean use;

        private Lease(SshSessionPool pool, PooledSession pooled, boolean use) {
            this.pool = pool;
            this.pooled = pooled;
            this.use = use;
            pooled.users.incrementAndGet();
        }

        public ClientSession session() {
            return pooled.session;
        }

        @Override
        public RemoteCommand start(String command, Map<String, String> environment, int maxOutputBytes, byte[] stdin,
                                   String attemptToken, LongConsumer onPid) throws SshFailure {
            return RemoteCommand.start(pooled.session, command, environment, maxOutputBytes, stdin, attemptToken, onPid);
        }

        @Override
        public AttemptProcesses.Outcome endAttemptProcesses(Long pid, String attemptToken) throws SshFailure {
            return AttemptProcesses.end(pooled.session, pid, attemptToken);
        }

        /** Runs a short command ({@code what} names it in errors) on this share's session. */
        public ExecResult run(String what, String command, Duration timeout) throws SshFailure {
            return RemoteCommand.run(pooled.session, what, command, 64 * 1024, timeout);
        }

        @Override
        public void discardSession() {
            pool.discard(pooled.session);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                if (use) {
                    pooled.idleSince = System.nanoTime();
                }
                pooled.users.decrementAndGet();
            }
        }
    }
}
