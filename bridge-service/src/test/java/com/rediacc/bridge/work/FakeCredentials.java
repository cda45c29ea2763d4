package com.rediacc.bridge.work;

import com.rediacc.bridge.credentials.CredentialStore;
import com.rediacc.contract.bridge.MachineConnection;

import java.security.KeyPair;

/** Every machine's credential is {@link #KEY}, until told to fail. */
final class FakeCredentials implements CredentialStore {
    static final KeyPair KEY = new KeyPair(null, null);

    private volatile CredentialException failure;

    void fail(CredentialException failure) {
        this.failure = failure;
    }

    @Override
    public KeyPair keyPair(String team, MachineConnection machine) throws CredentialException {
        if (failure != null) {
            throw failure;
        }
        return KEY;
    }
}
