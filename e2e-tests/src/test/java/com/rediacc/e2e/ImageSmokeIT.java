package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.RepoRoot;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container images of dev/images, each started with crun ({@link ImageLauncher}) against the shared
 * PostgreSQL, Kafka and sshd: ready on /q/health/ready, then one task through queue-service,
 * vault-service (the machine's key) and a bridge running it over SSH on demo-01.
 */
class ImageSmokeIT {
    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");

    @Test
    void imageBuiltServicesRunATaskOverSsh() throws Exception {
        try (E2eStack stack = new E2eStack("images").fromImages()) {
            for (String service : List.of("queue-service", "bridge-service", "vault-service")) {
                Path rootfs = RepoRoot.path().resolve("e2e-tests/target/images").resolve(service).resolve("bundle/rootfs");
                assertThat(rootfs.resolve("usr/lib/jvm/java-21-openjdk-amd64/bin/java")).as(service).isRegularFile();
                for (String shell : List.of("usr/bin/sh", "usr/bin/bash", "usr/bin/dash")) {
                    assertThat(Files.exists(rootfs.resolve(shell), LinkOption.NOFOLLOW_LINKS)).as(service + " " + shell).isFalse();
                }
            }
            stack.startCore(Map.of());
            ServiceProcess bridge = stack.startBridge("bridge-image", Map.of());
            stack.registerDemoMachine("demo-01", 1);

            JsonNode done = stack.awaitTerminal(stack.createTask(Map.of("machine", "demo-01",
                    "command", "echo from-the-image; uname -s", "priority", 1)).path("taskId").asText());

            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(done.path("output").asText()).isEqualTo("from-the-image\nLinux\n");
            for (ServiceProcess service : List.of(stack.vault(), stack.queue(), bridge)) {
                String log = service.logText();
                assertThat(log).as(service.name() + " runs with the flags k8s/ gives it").contains("Picked up JDK_JAVA_OPTIONS: -Xmx256m");
                Matcher started = STARTED.matcher(log);
                assertThat(started.find()).as(service.name() + " logs its start").isTrue();
                System.out.printf("image smoke: %s started in %s s%n", service.name(), started.group(1));
            }
        }
    }
}
