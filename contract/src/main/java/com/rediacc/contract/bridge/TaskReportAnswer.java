package com.rediacc.contract.bridge;

/**
 * What became of one report of a {@link TaskReports} call: recorded, or refused as its single call
 * would have answered 409 (the lease is not held, or the task is not in a state the report applies
 * to: {@code detail} says which).
 */
public record TaskReportAnswer(boolean accepted, String detail) {
    public static final TaskReportAnswer ACCEPTED = new TaskReportAnswer(true, null);

    public static TaskReportAnswer refused(String detail) {
        return new TaskReportAnswer(false, detail);
    }
}
