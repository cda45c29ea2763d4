package com.rediacc.vault.auth;

/** What a service identity may do. */
public enum Right {
    ENCRYPT("encrypt"),
    DECRYPT("decrypt"),
    REWRAP("rewrap"),
    ROTATE("rotate keys"),
    READ_KEYS("read key info"),
    DATAKEY("generate data keys"),
    READ_AUDIT("read the audit log");

    private final String verb;

    Right(String verb) {
        this.verb = verb;
    }

    public String verb() {
        return verb;
    }
}
