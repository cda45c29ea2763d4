package com.rediacc.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Summary statistics of a sample (nearest-rank percentiles). */
final class Stats {
    private Stats() {
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /** count, mean, p50, p90, p99, max (and min) of {@code values}, rounded to 0.01. */
    static Map<String, Object> summary(Collection<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted().toArray();
        return summary(sorted);
    }

    static Map<String, Object> summary(double[] raw) {
        double[] sorted = Arrays.stream(raw).filter(v -> !Double.isNaN(v)).sorted().toArray();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", sorted.length);
        if (sorted.length == 0) {
            return out;
        }
        out.put("mean", round(Arrays.stream(sorted).average().orElse(Double.NaN)));
        out.put("min", round(sorted[0]));
        out.put("p50", round(percentile(sorted, 50)));
        out.put("p90", round(percentile(sorted, 90)));
        out.put("p99", round(percentile(sorted, 99)));
        out.put("max", round(sorted[sorted.length - 1]));
        return out;
    }

    static double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 100.0) / 100.0;
    }
}
