package com.rediacc.bridge.credentials;

import com.rediacc.contract.bridge.ClaimedTask;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.regex.Pattern;

/**
 * Reads OpenSSH private key files named after the credential from one directory. Read at each use,
 * so replacing a file takes effect for the next task without a restart.
 */
public final class KeyFileCredentialStore implements CredentialStore {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path directory;

    public KeyFileCredentialStore(Path directory) {
        this.directory = directory;
    }

    @Override
    public KeyPair keyPair(ClaimedTask task) throws CredentialException {
        return keyPair(task.machine().credential());
    }

    public KeyPair keyPair(String credential) throws CredentialException {
        if (credential == null || !SAFE_NAME.matcher(credential).matches()) {
            throw new CredentialException("credential name '" + credential + "' is not valid", null);
        }
        Path file = directory.resolve(credential);
        if (!Files.isRegularFile(file)) {
            throw new CredentialException("credential '" + credential + "' not found", null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(credential), in,
                    FilePasswordProvider.EMPTY);
            Iterator<KeyPair> it = keys == null ? null : keys.iterator();
            if (it == null || !it.hasNext()) {
                throw new CredentialException("credential '" + credential + "' holds no private key", null);
            }
            return it.next();
        } catch (CredentialException e) {
            throw e;
        } catch (Exception e) {
            throw new CredentialException("credential '" + credential + "' cannot be read as an OpenSSH private key: "
                    + e.getClass().getSimpleName(), e);
        }
    }
}
