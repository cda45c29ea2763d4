package com.rediacc.contract.events;

import java.time.Duration;
import java.util.List;

/**
 * Kafka topic names shared by producers and consumers, with their partition counts and retention: the
 * one place they are written (k8s/overlays/production's KafkaTopics are checked against it). dev/lib/kafka.sh creates them from {@link #main} (run as a source file, no
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

    /**
     * A topic, how many partitions it is created with, and how long a record is kept. Dispatch records
     * are only wake-ups (the tasks are in PostgreSQL): a day covers an outage of the bridges. Task events and alerts are read by other
     * systems too (docs/events.md): a week, Kafka's default, for one that was down over a weekend.
     */
    public record Topic(String name, int partitions, Duration retention) {
    }

    public static final List<Topic> ALL = List.of(
            new Topic(DISPATCH, DISPATCH_PARTITIONS, Duration.ofDays(1)),
            new Topic(TASK_EVENTS, 6, Duration.ofDays(7)),
            new Topic(ALERTS, 1, Duration.ofDays(7)));

    private Topics() {
    }

    /** Prints "name:partitions", one topic a line. */
    public static void main(String[] args) {
        for (Topic topic : ALL) {
            System.out.println(topic.name() + ":" + topic.partitions());
        }
    }
}
