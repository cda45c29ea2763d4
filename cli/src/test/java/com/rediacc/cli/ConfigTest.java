package com.rediacc.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {
    @TempDir
    Path dir;

    private Config saved() {
        Config config = Config.load(dir.resolve("rediacc/config"));
        config.profiles.put("default", new Config.Profile("http://default:1", "default-token"));
        config.profiles.put("prod", new Config.Profile("http://prod:1", "prod-token"));
        config.currentProfile = "prod";
        config.save();
        return Config.load(dir.resolve("rediacc/config"));
    }

    @Test
    void savesProfilesReadableOnlyByTheOwnerAndLoadsThemBack() throws Exception {
        Config config = saved();
        assertThat(config.currentProfile).isEqualTo("prod");
        assertThat(config.profiles).containsEntry("default", new Config.Profile("http://default:1", "default-token"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.file))).isEqualTo("rw-------");
        assertThat(Files.readString(config.file)).contains("current-profile: prod").contains("url: http://prod:1");
    }

    @Test
    void theCurrentProfileIsUsedWhenNothingElseIsGiven() {
        Config.Resolved resolved = saved().resolve(null, null, null, Map.of());
        assertThat(resolved.url()).isEqualTo("http://prod:1");
        assertThat(resolved.token()).isEqualTo("prod-token");
        assertThat(resolved.profile()).isEqualTo("prod");
    }

    @Test
    void environmentOverridesTheProfileAndFlagsOverrideTheEnvironment() {
        Config config = saved();
        Map<String, String> env = Map.of("REDIACC_URL", "http://env:1", "REDIACC_TOKEN", "env-token");
        assertThat(config.resolve(null, null, null, env))
                .extracting(Config.Resolved::url, Config.Resolved::token).containsExactly("http://env:1", "env-token");
        assertThat(config.resolve("http://flag:1", "flag-token", null, env))
                .extracting(Config.Resolved::url, Config.Resolved::token).containsExactly("http://flag:1", "flag-token");
        // Only the token from the environment: the URL still comes from the profile.
        assertThat(config.resolve(null, null, null, Map.of("REDIACC_TOKEN", "env-token")))
                .extracting(Config.Resolved::url, Config.Resolved::token).containsExactly("http://prod:1", "env-token");
    }

    @Test
    void aProfileCanBeChosenByFlagOrEnvironment() {
        Config config = saved();
        assertThat(config.resolve(null, null, "default", Map.of()).url()).isEqualTo("http://default:1");
        assertThat(config.resolve(null, null, null, Map.of("REDIACC_PROFILE", "default")).url()).isEqualTo("http://default:1");
    }

    @Test
    void anUnknownExplicitProfileIsAUsageError() {
        assertThatThrownBy(() -> saved().resolve(null, null, "staging", Map.of()))
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode).isEqualTo(2);
                    assertThat(e.getMessage()).contains("no profile 'staging'");
                    assertThat(e.hint).contains("default, prod");
                });
    }

    @Test
    void withoutAnyUrlTheMessageSaysHowToSetOne() {
        Config empty = Config.load(dir.resolve("none"));
        assertThatThrownBy(() -> empty.resolve(null, null, null, Map.of()))
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode).isEqualTo(1);
                    assertThat(e.hint).contains("REDIACC_URL").contains("rediacc login");
                });
    }

    @Test
    void theConfigFileFollowsXdgAndCanBeSetExplicitly() {
        assertThat(Terminal.defaultConfigFile(Map.of("HOME", "/home/op"))).isEqualTo(Path.of("/home/op/.config/rediacc/config"));
        assertThat(Terminal.defaultConfigFile(Map.of("HOME", "/home/op", "XDG_CONFIG_HOME", "/cfg")))
                .isEqualTo(Path.of("/cfg/rediacc/config"));
        assertThat(Terminal.defaultConfigFile(Map.of("REDIACC_CONFIG", "/etc/rediacc.yaml"))).isEqualTo(Path.of("/etc/rediacc.yaml"));
    }
}
