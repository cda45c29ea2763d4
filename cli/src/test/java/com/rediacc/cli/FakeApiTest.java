package com.rediacc.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A command test against a fresh {@link FakeApi}, with its own config file in a temporary directory. */
abstract class FakeApiTest {
    @TempDir
    Path dir;
    FakeApi api;

    @BeforeEach
    void startApi() throws Exception {
        api = new FakeApi();
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    CliRun run(String... args) {
        return api.run(dir.resolve("config"), args);
    }
}
