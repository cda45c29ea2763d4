package com.rediacc.bench;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ceiling of the end-to-end figure: exec channels on ONE authenticated Apache SSHD session
 * (sshd-core, like the bridge) to the same sshd, with the same key and user, {@code channels}
 * commands at once, each on its own channel, the way the bridge runs tasks. No queue, no HTTP.
 */
final class RawSsh implements AutoCloseable {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);
    private static final long COMMAND_TIMEOUT_MS = 15_000;

    private final SshClient client;
    private final ClientSession session;

    RawSsh(String user, int port, String hostKeyLine, Path keyFile) throws Exception {
        PublicKey hostKey = AuthorizedKeyEntry.parseAuthorizedKeyEntry(hostKeyLine.trim())
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        KeyPair identity = identity(keyFile);
        client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(new RequiredServerKeyVerifier(hostKey));
        client.start();
        ClientSession s = null;
        try {
            s = client.connect(user, "127.0.0.1", port).verify(Duration.ofSeconds(10)).getSession();
            s.addPublicKeyIdentity(identity);
            s.auth().verify(Duration.ofSeconds(10));
        } catch (Exception e) {
            if (s != null) {
                s.close(true);
            }
            client.stop();
            throw e;
        }
        session = s;
    }

    /** The key pair of an OpenSSH private key file without a passphrase. */
    static KeyPair identity(Path keyFile) throws Exception {
        try (InputStream in = Files.newInputStream(keyFile)) {
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(keyFile.getFileName().toString()),
                    in, FilePasswordProvider.EMPTY);
            return keys.iterator().next();
        }
    }

    /**
     * Runs {@code count} commands, {@code channels} at once, each on a new exec channel of the one
     * session; stops early at {@code deadlineNanos}. Every command must exit 0.
     */
    Map<String, Object> run(String command, int count, int channels, long deadlineNanos) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < channels; w++) {
            workers.add(Thread.ofVirtual().name("raw-ssh-" + w).start(() -> {
                while (next.getAndIncrement() < count && System.nanoTime() < deadlineNanos) {
                    long t0 = System.nanoTime();
                    try {
                        Integer exit = exec(command);
                        if (exit == null || exit != 0) {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, "exit status " + exit);
                        } else {
                            latencies.add((System.nanoTime() - t0) / 1e6);
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000 + COMMAND_TIMEOUT_MS));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", command);
        out.put("channels", channels);
        out.put("completed", latencies.size());
        out.put("failed", failed.get());
        if (firstError.get() != null) {
            out.put("firstError", firstError.get());
        }
        out.put("seconds", Stats.round(seconds));
        out.put("commandsPerSecond", Stats.round(latencies.size() / seconds));
        out.put("channelLatencyMs", Stats.summary(latencies));
        return out;
    }

    /** One command on its own channel, stdin empty, output collected; its exit status. */
    private Integer exec(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setIn(new ByteArrayInputStream(new byte[0]));
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(OPEN_TIMEOUT);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), COMMAND_TIMEOUT_MS);
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                throw new IllegalStateException("command did not end within " + COMMAND_TIMEOUT_MS + " ms");
            }
            return channel.getExitStatus();
        }
    }

    @Override
    public void close() {
        session.close(true);
        client.stop();
    }
}
