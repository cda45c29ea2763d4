package com.rediacc.queue.tasks;

import com.rediacc.queue.QueueConfig;
import com.rediacc.queue.tasks.lifecycle.RetryPolicy;
import com.rediacc.queue.tasks.lifecycle.TaskStateMachine;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/** The task domain's pure parts, built from configuration; tests replace the clock. */
public class TaskWiring {
    /** Retry jitter draws from the calling thread's own generator: transitions run on many threads at once. */
    @Produces
    @Singleton
    TaskStateMachine stateMachine(QueueConfig config) {
        return new TaskStateMachine(new RetryPolicy(config.retry().maxDelay(), config.retry().jitter(),
                () -> ThreadLocalRandom.current().nextLong()));
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
