package com.rediacc.bridge.resources;

import com.rediacc.bridge.ssh.ExecResult;
import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.bridge.ssh.SshSessionPool;
import com.rediacc.contract.bridge.ResourceSample;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the resources of each machine this bridge has an open pooled session to ("active"), with
 * {@link ResourceProbe#COMMAND} on a spare channel of that session: it never opens a connection and
 * never takes a channel a task needs. The newest sample of each machine waits for the next presence.
 */
public final class ResourceSampler {
    private static final Logger LOG = Logger.getLogger(ResourceSampler.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final SshSessionPool pool;
    private final Map<String, ResourceSample> pending = new ConcurrentHashMap<>();

    public ResourceSampler(SshSessionPool pool) {
        this.pool = pool;
    }

    /** Samples every active machine once, one after the other. */
    public void sampleAll() {
        for (Map.Entry<String, SshSessionPool.Lease> share : pool.shareOpenSessions().entrySet()) {
            try (SshSessionPool.Lease lease = share.getValue()) {
                ExecResult result = lease.run("reading resources", ResourceProbe.COMMAND, PROBE_TIMEOUT);
                keep(ResourceProbe.parse(share.getKey(), Instant.now(), result.output()));
            } catch (SshFailure | IllegalArgumentException e) {
                LOG.debugf("resources of %s not sampled: %s", share.getKey(), e.getMessage());
            }
        }
    }

    /** The samples not yet sent, taken out. */
    public List<ResourceSample> drain() {
        List<ResourceSample> taken = new ArrayList<>();
        for (String machine : List.copyOf(pending.keySet())) {
            ResourceSample sample = pending.remove(machine);
            if (sample != null) {
                taken.add(sample);
            }
        }
        return taken;
    }

    /** Gives back samples that could not be sent, unless a newer one of the machine came meanwhile. */
    public void putBack(List<ResourceSample> samples) {
        samples.forEach(this::keep);
    }

    private void keep(ResourceSample sample) {
        pending.merge(sample.machine(), sample, (old, fresh) -> fresh.sampledAt().isAfter(old.sampledAt()) ? fresh : old);
    }
}
