package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs a service from its container image (dev/images: {@code <module>/target/image/<module>.oci.tar}) with
 * crun, as a kubelet would: the image's user, entrypoint, working directory and environment (umoci unpack
 * makes the runtime config from the image's), a read-only root filesystem, no capabilities, a tmpfs on /tmp,
 * the JVM flags in JDK_JAVA_OPTIONS as k8s/ sets them. It stays in the host's network namespace, so the
 * shared PostgreSQL, Kafka and sshd on loopback are reachable. crun 1.8 refuses this host's hybrid cgroup
 * layout: it runs in a private mount namespace with cgroup v2 at /sys/fs/cgroup, and manages no cgroups.
 */
final class ImageLauncher implements ServiceProcess.Launcher {
    private static final List<String> SERVICES = List.of("queue-service", "bridge-service", "vault-service");

    private final Path work;
    private final List<Path> binds;

    private ImageLauncher(Path work, List<Path> binds) {
        this.work = work;
        this.binds = binds;
    }

    /**
     * Builds the images with dev/images when an archive is missing or older than its packaged jar, and
     * unpacks each once. {@code binds}: host directories the services read and write at the same path.
     */
    static ImageLauncher create(Path root, List<Path> binds) throws Exception {
        boolean stale = false;
        for (String service : SERVICES) {
            Path archive = archive(root, service);
            Path jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
            stale |= !Files.isRegularFile(archive)
                    || Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) < 0;
        }
        Path work = root.resolve("e2e-tests/target/images");
        Files.createDirectories(work);
        if (stale) {
            run(root, work.resolve("dev-images.log"), TimeUnit.MINUTES.toSeconds(15), root.resolve("dev/images").toString());
        }
        for (String service : SERVICES) {
            Path unpacked = work.resolve(service);
            run(root, work.resolve("unpack.log"), 300, "rm", "-rf", unpacked.toString());
            Files.createDirectories(unpacked.resolve("oci"));
            run(root, work.resolve("unpack.log"), 300, "tar", "-xf", archive(root, service).toString(),
                    "-C", unpacked.resolve("oci").toString());
            run(root, work.resolve("unpack.log"), 300, "umoci", "unpack", "--image",
                    unpacked.resolve("oci") + ":" + service, unpacked.resolve("bundle").toString());
        }
        return new ImageLauncher(work, List.copyOf(binds));
    }

    static Path archive(Path root, String service) {
        return root.resolve(service).resolve("target/image").resolve(service + ".oci.tar");
    }

    @Override
    public ProcessBuilder process(Path root, String module, String name, Map<String, String> env) throws IOException {
        Path bundle = work.resolve(module).resolve("bundle");
        JsonNode image = E2eStack.JSON.readTree(bundle.resolve("config.json").toFile());
        ObjectNode config = (ObjectNode) image.deepCopy();
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);

        Map<String, String> settings = new LinkedHashMap<>();
        process.withArray("env").forEach(e -> settings.put(e.asText().substring(0, e.asText().indexOf('=')),
                e.asText().substring(e.asText().indexOf('=') + 1)));
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
        jvm.addAll(ServiceProcess.moduleJvmOptions(root.resolve(module)));
        settings.put("JDK_JAVA_OPTIONS", String.join(" ", jvm));
        settings.putAll(env);
        ArrayNode envs = process.putArray("env");
        settings.forEach((k, v) -> envs.add(k + "=" + v));

        ObjectNode capabilities = (ObjectNode) process.get("capabilities");
        capabilities.fieldNames().forEachRemaining(set -> capabilities.putArray(set));

        ObjectNode rootfs = (ObjectNode) config.get("root");
        rootfs.put("path", bundle.resolve("rootfs").toString());
        rootfs.put("readonly", true);

        ObjectNode linux = (ObjectNode) config.get("linux");
        linux.remove("resources");
        ArrayNode namespaces = linux.putArray("namespaces");
        for (JsonNode ns : image.path("linux").path("namespaces")) {
            if (!ns.path("type").asText().equals("network")) {
                namespaces.add(ns);
            }
        }

        ArrayNode mounts = config.putArray("mounts");
        for (JsonNode mount : image.path("mounts")) {
            if (!mount.path("destination").asText().equals("/sys/fs/cgroup")) {
                mounts.add(mount);
            }
        }
        mounts.addObject().put("destination", "/tmp").put("type", "tmpfs").put("source", "tmpfs")
                .putArray("options").add("nosuid").add("nodev").add("mode=1777").add("size=64m");
        JsonNode user = process.path("user");
        for (Path bind : binds) {
            // the image's user must write there (vault-service writes its generated root key)
            run(root, work.resolve("unpack.log"), 60, "chown", "-R",
                    user.path("uid").asInt() + ":" + user.path("gid").asInt(), bind.toString());
            mounts.addObject().put("destination", bind.toString()).put("type", "bind").put("source", bind.toString())
                    .putArray("options").add("rbind").add("rw");
        }

        Path instance = work.resolve("run").resolve(name);
        Files.createDirectories(instance);
        E2eStack.JSON.writerWithDefaultPrettyPrinter().writeValue(instance.resolve("config.json").toFile(), config);
        String id = "rediacc-e2e-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        // exec: SIGTERM to the process reaches crun, which passes it to the JVM, as a kubelet stops a pod
        return new ProcessBuilder("unshare", "--mount", "sh", "-c",
                "mount -t cgroup2 none /sys/fs/cgroup && exec crun --cgroup-manager=disabled run --bundle \"$1\" \"$2\"",
                "sh", instance.toString(), id);
    }

    private static void run(Path root, Path log, long timeoutSeconds, String... command) throws IOException {
        Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + "; see " + log);
        }
    }
}
