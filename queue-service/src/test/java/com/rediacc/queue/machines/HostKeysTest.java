package com.rediacc.queue.machines;

import com.rediacc.queue.TestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostKeysTest {
    @Test
    void acceptsAnOpenSshKeyLine() {
        assertThat(HostKeys.problem(TestSupport.hostKey())).isNull();
    }

    @Test
    void explainsWhatIsWrong() {
        assertThat(HostKeys.problem("garbage")).contains("OpenSSH public key line");
        assertThat(HostKeys.problem("ssh-dss AAAA")).contains("unsupported key type");
        assertThat(HostKeys.problem("ssh-ed25519 !!!")).contains("base64");
        String ed25519Blob = TestSupport.hostKey().split(" ")[1];
        assertThat(HostKeys.problem("ssh-rsa " + ed25519Blob)).contains("of type 'ssh-ed25519'");
    }
}
