package com.rediacc.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The result table the benchmarks print: one row per figure, with its goal and PASS/FAIL. */
final class Table {
    private Table() {
    }

    /** A row; {@code goal} null: a figure without a goal; {@code pass} null with a goal: not measured. */
    static Map<String, Object> row(String figure, Double value, String unit, String goal, Boolean pass) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("figure", figure);
        r.put("value", value == null ? null : Stats.round(value));
        r.put("unit", unit.trim());
        // a figure without a unit is a count
        r.put("display", value == null ? "-" : unit.isEmpty() ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f%s", value, unit));
        r.put("goal", goal == null ? "" : goal);
        r.put("result", pass == null ? (goal == null ? "" : "n/a") : pass ? "PASS" : "FAIL");
        return r;
    }

    static String format(List<Map<String, Object>> rows) {
        int w = 20;
        for (Map<String, Object> r : rows) {
            w = Math.max(w, r.get("figure").toString().length());
        }
        String fmt = "%-" + w + "s  %12s  %-10s  %s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, fmt, "figure", "value", "goal", "result"));
        sb.append("-".repeat(w + 36)).append('\n');
        for (Map<String, Object> r : rows) {
            sb.append(String.format(Locale.ROOT, fmt, r.get("figure"), r.get("display"), r.get("goal"), r.get("result")));
        }
        return sb.toString();
    }
}
