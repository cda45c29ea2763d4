package com.rediacc.vault.audit;

/** How an audited call ended: done, refused (bad input, wrong context, ...), or not allowed. */
public enum Result {
    OK, FAILED, DENIED
}
