package com.rediacc.bridge.presence;

import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.bridge.resources.ResourceSampler;
import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.contract.bridge.ResourceSample;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Tells queue-service every {@code presence-every} that this bridge is alive, with what it serves
 * and the resource samples taken since; samples every {@code resources-every}. Each on a thread of
 * its own, apart from the tasks: a slow machine or queue delays no task.
 */
public final class PresenceReporter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PresenceReporter.class);

    private final TaskQueue queue;
    private final ResourceSampler sampler;
    private final Supplier<BridgePresence> describe;
    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().name("bridge-presence-", 0).daemon().factory());
    private volatile boolean failing;

    /** {@code describe}: this bridge as it is now, without samples. */
    public PresenceReporter(TaskQueue queue, ResourceSampler sampler, Supplier<BridgePresence> describe) {
        this.queue = queue;
        this.sampler = sampler;
        this.describe = describe;
    }

    public PresenceReporter start(Duration presenceEvery, Duration resourcesEvery) {
        threads.scheduleWithFixedDelay(this::report, 0, presenceEvery.toMillis(), TimeUnit.MILLISECONDS);
        threads.scheduleWithFixedDelay(this::sample, resourcesEvery.toMillis(), resourcesEvery.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    void report() {
        List<ResourceSample> samples = sampler.drain();
        BridgePresence now = describe.get();
        try {
            queue.presence(new BridgePresence(now.bridgeId(), now.version(), now.tags(), now.url(), now.partitions(),
                    now.partitionCount(), now.batchSize(), now.everyMillis(), samples));
            if (failing) {
                LOG.info("presence: queue-service reached again");
                failing = false;
            }
        } catch (TaskQueue.QueueUnavailable | RuntimeException e) {
            sampler.putBack(samples);
            if (!failing) {
                LOG.warnf("presence not recorded (GET /bridges will show this bridge QUIET): %s", e.getMessage());
                failing = true;
            }
        }
    }

    private void sample() {
        try {
            sampler.sampleAll();
        } catch (RuntimeException e) {
            LOG.warnf(e, "resource sampling failed");
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
