package com.rediacc.queue.machines.resources;

import com.rediacc.contract.bridge.ResourceSample;
import com.rediacc.queue.QueueConfig;

/** What a machine's sample is judged on, each against its threshold (rediacc.resources.*). */
public enum Resource {
    /** 1-minute load average per CPU. */
    LOAD {
        @Override
        public double value(ResourceSample s) {
            return s.load1() / Math.max(1, s.cpus());
        }

        @Override
        public double threshold(QueueConfig.Resources limits) {
            return limits.loadPerCpu();
        }
    },
    /** Memory in use, percent of the total. */
    MEMORY {
        @Override
        public double value(ResourceSample s) {
            return percent(s.memoryTotalBytes() - s.memoryAvailableBytes(), s.memoryTotalBytes());
        }

        @Override
        public double threshold(QueueConfig.Resources limits) {
            return limits.memoryUsedPercent();
        }
    },
    /** The root file system's used space, percent of its size. */
    DISK {
        @Override
        public double value(ResourceSample s) {
            return percent(s.diskUsedBytes(), s.diskTotalBytes());
        }

        @Override
        public double threshold(QueueConfig.Resources limits) {
            return limits.diskUsedPercent();
        }
    };

    public abstract double value(ResourceSample sample);

    public abstract double threshold(QueueConfig.Resources limits);

    /** Over its threshold: strictly above it, so a threshold of 100 percent never fires. */
    public boolean over(ResourceSample sample, QueueConfig.Resources limits) {
        return value(sample) > threshold(limits);
    }

    static double percent(long part, long whole) {
        return whole <= 0 ? 0 : Math.round(1000.0 * part / whole) / 10.0;
    }
}
