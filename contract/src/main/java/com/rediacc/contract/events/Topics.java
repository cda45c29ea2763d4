package com.rediacc.contract.events;

import java.util.List;

/**
 * Kafka topic names shared by producers and consumers, with their partition counts: the one place
 * they are written. dev/lib/kafka.sh creates them from {@link #main} (run as a source file, no
 * build needed), the test broker from {@link #ALL}, and the bridge's dispatch channel takes its
 * topic from here.
 */
public final class Topics {
    /** Key = machine name. "Machine M has ready work": a wake-up for bridges, not the task itself. */
    public static final String DISPATCH = "rediacc.task.dispatch";
    /** Key = taskId. Every lifecycle transition of a task. */
    public static final String TASK_EVENTS = "rediacc.task.events";
    /** Final failures with failureAction ALERT, missed cron runs. */
    public static final String ALERTS = "rediacc.alerts";

    /** At most this many bridges share the machines: a machine's wake-ups go to one partition, read by one bridge. */
    public static final int DISPATCH_PARTITIONS = 6;

    /** A topic and how many partitions it is created with. */
    public record Topic(String name, int partitions) {
    }

    public static final List<Topic> ALL = List.of(
            new Topic(DISPATCH, DISPATCH_PARTITIONS),
            new Topic(TASK_EVENTS, 6),
            new Topic(ALERTS, 1));

    private Topics() {
    }

    /** Prints "name:partitions", one topic a line. */
    public static void main(String[] args) {
        for (Topic topic : ALL) {
            System.out.println(topic.name() + ":" + topic.partitions());
        }
    }
}
