package com.rediacc.queue.bridges;

import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.contract.bridge.ResourceSample;
import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.bridges.BridgeRegistry.HeldTask;
import com.rediacc.queue.machines.resources.MachineResourceStore;
import com.rediacc.queue.tasks.TaskTransitions;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The bridges as their presences describe them: who is alive, what each serves and runs. */
@Singleton
public class BridgeDirectory {
    @Inject
    BridgeRegistry registry;
    @Inject
    MachineResourceStore resources;
    @Inject
    TaskTransitions transitions;
    @Inject
    QueueConfig config;

    /** Records a presence with its resource samples, and the alerts of the thresholds they cross, at once. */
    public Uni<Void> record(BridgePresence presence) {
        List<ResourceSample> samples = presence.samples() == null ? List.of() : presence.samples();
        return transitions.inTransaction(work -> registry.record(work.tx(), presence, config.bridges().forgetAfter())
                .chain(() -> resources.record(work.tx(), presence.bridgeId(), samples))
                .chain(work::publish));
    }

    /**
     * Every bridge not yet forgotten, with the machines of {@code teams} it serves and their tasks it
     * runs ({@code teams} null: every team's).
     */
    public Uni<List<BridgeView>> list(List<String> teams) {
        return registry.list().chain(listing -> registry.machines(teams)
                .chain(machines -> registry.running(listing.bridges().stream().map(Bridge::bridgeId).toList())
                        .map(running -> listing.bridges().stream()
                                .map(bridge -> view(bridge, listing, machines, running.getOrDefault(bridge.bridgeId(), List.of()),
                                        teams == null ? task -> true : task -> teams.contains(task.team())))
                                .toList())));
    }

    /** The LIVE bridge that serves {@code machine} (the most recently heard from, during a rebalance). */
    public Uni<Optional<Bridge>> serving(String machine) {
        return registry.list().map(listing -> listing.bridges().stream()
                .filter(bridge -> state(bridge, listing) == BridgeState.LIVE && bridge.serves(machine))
                .max((a, b) -> a.lastSeen().compareTo(b.lastSeen())));
    }

    private BridgeView view(Bridge bridge, BridgeRegistry.Listing listing, List<String> machines,
                            List<HeldTask> running, Predicate<HeldTask> visible) {
        return new BridgeView(bridge.bridgeId(), state(bridge, listing), bridge.version(), bridge.tags(),
                bridge.partitions(), bridge.partitionCount(),
                machines.stream().filter(bridge::serves).toList(),
                running.stream().filter(visible)
                        .map(task -> new BridgeView.RunningTask(task.taskId(), task.machine(), task.status())).toList(),
                running.size(), bridge.batchSize(), bridge.lastSeen(), bridge.every().toMillis());
    }

    private BridgeState state(Bridge bridge, BridgeRegistry.Listing listing) {
        return BridgeState.of(bridge.lastSeen(), bridge.every(), config.bridges().quietAfterMissed(), listing.now());
    }
}
