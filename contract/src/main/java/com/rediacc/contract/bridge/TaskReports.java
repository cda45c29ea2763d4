package com.rediacc.contract.bridge;

import java.util.List;

/**
 * Starts and results of several tasks in one call ({@link BridgeApi#REPORTS}), written in one
 * transaction; each report is judged on its own, as its single call would be, and answered in
 * order ({@link TaskReportAnswer}). At most {@link #MAX_REPORTS}, one per task.
 */
public record TaskReports(List<TaskReport> reports) {
    public static final int MAX_REPORTS = 100;
}
