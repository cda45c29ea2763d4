package com.rediacc.queue.tasks.lifecycle;

import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void noRetryLeftMeansNoNextAttempt() {
        Task last = TaskBuilder.task(TaskStatus.PROCESSING).retries(3).retriesLeft(0).build();
        assertThat(policy(0.5).nextAttemptAt(last, NOW)).isNull();
    }

    @Test
    void aFixedDelayIsTheRetryDelay() {
        Task task = TaskBuilder.task(TaskStatus.PROCESSING).retries(3).retriesLeft(1).build();
        assertThat(policy(0.5).nextAttemptAt(task, NOW)).as("the random draw in the middle: no spread")
                .isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void exponentialBackoffDoublesPerRetryUsedUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(100), 0.1, fixed(0.5));
        assertThat(delays(policy, 10, 6)).containsExactly(10L, 20L, 40L, 80L, 100L, 100L);
    }

    @Test
    void theCapHoldsForHugeRetryCountsWithoutOverflow() {
        RetryPolicy policy = new RetryPolicy(Duration.ofHours(1), 0.1, fixed(0.5));
        Task late = TaskBuilder.task(TaskStatus.PROCESSING).retries(100).retriesLeft(1)
                .retryDelay(86_400, Task.RetryBackoff.EXPONENTIAL).build();
        assertThat(policy.nextAttemptAt(late, NOW)).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void jitterSpreadsTheDelayByAtMostTenPercentEitherWay() {
        Task task = TaskBuilder.task(TaskStatus.PROCESSING).retries(1).build();
        assertThat(policy(0.0).nextAttemptAt(task, NOW)).isEqualTo(NOW.plusSeconds(27));
        assertThat(policy(0.999999999).nextAttemptAt(task, NOW)).isBetween(NOW.plusMillis(32_999), NOW.plusSeconds(33));
        assertThat(policy(0.25).nextAttemptAt(task, NOW)).isEqualTo(NOW.plusMillis(28_500));
    }

    @Test
    void oneFailureWaveComesBackSpreadOut() {
        RetryPolicy policy = new RetryPolicy(Duration.ofHours(1), RetryPolicy.DEFAULT_JITTER, new SplittableRandom(7));
        Task task = TaskBuilder.task(TaskStatus.PROCESSING).retries(1).build();
        Set<Instant> times = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Instant at = policy.nextAttemptAt(task, NOW);
            assertThat(at).isBetween(NOW.plusSeconds(27), NOW.plusSeconds(33));
            times.add(at);
        }
        assertThat(times).as("fifty tasks failing together retry at fifty instants").hasSize(50);
    }

    @Test
    void jitterMustBeAFraction() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofHours(1), 1.0, fixed(0.5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static long[] delays(RetryPolicy policy, int retryDelay, int retries) {
        long[] delays = new long[retries];
        for (int used = 0; used < retries; used++) {
            Task task = TaskBuilder.task(TaskStatus.PROCESSING).retries(retries).retriesLeft(retries - used)
                    .retryDelay(retryDelay, Task.RetryBackoff.EXPONENTIAL).build();
            delays[used] = Duration.between(NOW, policy.nextAttemptAt(task, NOW)).toSeconds();
        }
        return delays;
    }

    private static RetryPolicy policy(double draw) {
        return new RetryPolicy(Duration.ofHours(1), RetryPolicy.DEFAULT_JITTER, fixed(draw));
    }

    /** A random source whose every draw is {@code value}. */
    private static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }
}
