package com.rediacc.vault.audit;

/** What an audit row records. */
public enum Action {
    DECRYPT, REWRAP, ROTATE, CREATE_KEY, DATAKEY
}
