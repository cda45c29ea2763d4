package com.rediacc.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Renders every kustomization under k8s/ with kubectl and checks what an operator relies on. */
class ManifestsTest {
    static final Path K8S = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    static final Path ROOT = K8S.getParent();

    /**
     * The Secrets the operator creates before applying (docs/operations.md, "Kubernetes"): no secret
     * value lives in git. Every other Secret or ConfigMap a Deployment names must be in the rendering.
     */
    static final Set<String> OPERATOR_SECRETS =
            Set.of("rediacc-queue-db", "rediacc-vault-db", "rediacc-tokens", "rediacc-vault-root-key");

    /** The keys CloudNativePG puts in a Cluster's Secret {@code <name>-app} (its docs, "Connecting from an application"). */
    static final Set<String> CNPG_APP_SECRET_KEYS = Set.of("username", "password", "dbname", "host", "port", "uri",
            "jdbc-uri", "fqdn-uri", "fqdn-jdbc-uri", "pgpass", "user");

    static final List<String> SERVICES = List.of("queue-service", "bridge-service", "vault-service");

    /** Peak resident memory measured on the dev stack at -Xmx256m (bench/results/20261202T125917Z.json, after 2 million tasks), in MiB: the memory requests and limits are sized from it. */
    static final Map<String, Integer> MEASURED_RSS_MIB =
            Map.of("queue-service", 322, "bridge-service", 169, "vault-service", 183);

    /** Read by the java launcher (the images' entrypoint, dev/images), not by the service. */
    static final Set<String> IMAGE_SETTINGS = Set.of("JDK_JAVA_OPTIONS");

    private static final long MIB = 1024 * 1024;
    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    static Manifests rendered(String kustomization) {
        return RENDERED.computeIfAbsent(kustomization, k -> Manifests.parse(Kubectl.kustomize(K8S.resolve(k))));
    }

    /**
     * Every directory under k8s/ with a kustomization.yaml that runs the services ("base",
     * "overlays/dev", ...); k8s/monitoring holds no services, MonitoringTest checks it.
     */
    static List<String> kustomizations() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .map(f -> K8S.relativize(f.getParent()).toString())
                    .filter(dir -> !dir.startsWith("target") && !dir.startsWith("src") && !dir.equals(MonitoringTest.DIR))
                    .sorted().toList();
        }
    }

    @Test
    void findsTheKustomizations() throws IOException {
        assertThat(kustomizations()).contains("base", "overlays/dev");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void rendersTheThreeServices(String kustomization) {
        Manifests m = rendered(kustomization);
        assertThat(m.all(Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(SERVICES);
        assertThat(m.all(Service.class)).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void probesAskTheHealthEndpointsOnDeclaredPorts(String kustomization) {
        assertThat(Checks.probes(rendered(kustomization))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void containersRequestAndLimitCpuAndMemory(String kustomization) {
        assertThat(Checks.resources(rendered(kustomization))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void podsRunLockedDown(String kustomization) {
        assertThat(Checks.security(rendered(kustomization))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void referencedConfigMapsAndSecretsExist(String kustomization) {
        Manifests m = rendered(kustomization);
        assertThat(Checks.references(m, providedSecrets(m))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void selectorsMatchTheirPods(String kustomization) {
        Manifests m = rendered(kustomization);
        assertThat(Checks.deploymentSelectors(m)).isEmpty();
        assertThat(Checks.services(m)).isEmpty();
        assertThat(Checks.disruptionBudgets(m)).isEmpty();
        assertThat(Checks.networkPolicies(m)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void configHoldsNoSecrets(String kustomization) {
        Manifests m = rendered(kustomization);
        assertThat(Checks.plaintextSecrets(m)).isEmpty();
        for (String service : SERVICES) {
            for (EnvVar var : m.container(service).getEnv()) {
                if (Checks.looksSecret(var.getName())) {
                    assertThat(var.getValueFrom()).as(service + " " + var.getName()).isNotNull();
                    assertThat(var.getValueFrom().getSecretKeyRef()).as(service + " " + var.getName()).isNotNull();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everySettingIsOneTheServiceReads(String kustomization) throws IOException {
        Manifests m = rendered(kustomization);
        for (String service : SERVICES) {
            assertThat(m.envNames(m.container(service)))
                    .as(service + ": settings it does not read (misspelt?)")
                    .isSubsetOf(settingsRead(service));
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void jvmRunsWithTheFlagsOfTheModulesJvmOptions(String kustomization) throws IOException {
        Manifests m = rendered(kustomization);
        assertThat(jvmOptions("queue-service")).isNotEmpty();
        assertThat(jvmOptions("bridge-service")).isNotEmpty();
        for (String service : SERVICES) {
            String options = m.literalEnv(m.container(service)).getOrDefault("JDK_JAVA_OPTIONS", "");
            assertThat(options.split("\\s+")).as(service + " JDK_JAVA_OPTIONS")
                    .contains("-Xmx256m")
                    .containsAll(jvmOptions(service));
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void memoryIsSizedFromTheMeasuredRss(String kustomization) {
        Manifests m = rendered(kustomization);
        for (String service : SERVICES) {
            Container c = m.container(service);
            long rss = MEASURED_RSS_MIB.get(service) * MIB;
            long request = bytes(c.getResources().getRequests().get("memory"));
            long limit = bytes(c.getResources().getLimits().get("memory"));
            long heap = maxHeap(m.literalEnv(c).getOrDefault("JDK_JAVA_OPTIONS", ""));
            assertThat(request).as(service + " memory request vs measured RSS").isGreaterThanOrEqualTo(rss * 5 / 4);
            assertThat(limit).as(service + " memory limit vs measured RSS").isGreaterThanOrEqualTo(rss * 3 / 2);
            assertThat(limit).as(service + " memory limit vs a full heap plus the JVM's own memory")
                    .isGreaterThanOrEqualTo(heap + 128 * MIB);
        }
    }

    /**
     * What a stopping bridge does before it drains (bridge-service BridgeWiring.onShutdown): it waits for
     * a claim in flight (WorkScheduler.CLAIM_IN_FLIGHT_WAIT, 16 s) and leaves the dispatch group
     * (DispatchConsumer.LEAVE_WAIT, 7 s); bridge-service's StopBudgetTest holds them to this.
     */
    static final Duration BRIDGE_STOP_BEFORE_DRAIN = Duration.ofSeconds(23);

    @ParameterizedTest
    @MethodSource("kustomizations")
    void bridgeGetsTheLongestClaimTheLeaveAndItsShutdownGraceToStop(String kustomization) {
        Manifests m = rendered(kustomization);
        Container bridge = m.container("bridge-service");
        String grace = m.literalEnv(bridge).get("REDIACC_BRIDGE_SHUTDOWN_GRACE");
        assertThat(grace).as("REDIACC_BRIDGE_SHUTDOWN_GRACE, set in bridge-service/config.env").isNotNull();
        Long period = m.deployment("bridge-service").getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(period).as("bridge-service terminationGracePeriodSeconds").isNotNull()
                .isGreaterThanOrEqualTo(BRIDGE_STOP_BEFORE_DRAIN.plus(duration(grace)).toSeconds() + 10);
        assertThat(bridge.getLifecycle() == null ? null : bridge.getLifecycle().getPreStop())
                .as("no preStop delay: a bridge keeps its machines from the others until it leaves the group").isNull();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void eachBridgePodIsOneStaticMemberOfTheDispatchGroup(String kustomization) {
        EnvVar instance = rendered(kustomization).container("bridge-service").getEnv().stream()
                .filter(e -> e.getName().equals("KAFKA_GROUP_INSTANCE_ID")).findFirst()
                .orElseThrow(() -> new AssertionError("bridge-service sets no KAFKA_GROUP_INSTANCE_ID"));
        assertThat(instance.getValueFrom() == null || instance.getValueFrom().getFieldRef() == null ? null
                : instance.getValueFrom().getFieldRef().getFieldPath())
                .as("group.instance.id from the pod's name: unique among running pods, kept by a restarted container")
                .isEqualTo("metadata.name");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void vaultReadsItsRootKeyFromTheSecret(String kustomization) {
        Manifests m = rendered(kustomization);
        Container c = m.container("vault-service");
        Map<String, String> env = m.literalEnv(c);
        assertThat(env.get("REDIACC_VAULT_GENERATE_ROOT_KEY")).as("never generate a root key in a cluster").isNotEqualTo("true");
        String file = env.get("REDIACC_VAULT_ROOT_KEY_FILE");
        assertThat(file).as("REDIACC_VAULT_ROOT_KEY_FILE").isNotNull();
        Path path = Path.of(file);
        VolumeMount mount = c.getVolumeMounts().stream()
                .filter(v -> path.getParent().toString().equals(v.getMountPath())).findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at " + path.getParent()));
        Volume volume = m.deployment("vault-service").getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getSecret()).as(path.getParent() + " is a Secret volume").isNotNull();
        assertThat(volume.getSecret().getSecretName()).isEqualTo("rediacc-vault-root-key");
        assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getPath).contains(path.getFileName().toString());
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void onlyQueueAndBridgeReachVault(String kustomization) {
        Manifests m = rendered(kustomization);
        Map<String, String> vaultPods = Checks.podLabels(m.deployment("vault-service"));
        List<NetworkPolicy> policies = m.all(NetworkPolicy.class).stream()
                .filter(p -> Checks.selects(p.getSpec().getPodSelector(), vaultPods)).toList();
        assertThat(policies).as("NetworkPolicies of vault-service").hasSize(1);
        assertThat(policies.get(0).getSpec().getPolicyTypes()).contains("Ingress");
        Set<String> admitted = new TreeSet<>();
        policies.get(0).getSpec().getIngress().forEach(rule -> {
            assertThat(rule.getFrom()).as("a rule without from admits everyone").isNotEmpty();
            for (NetworkPolicyPeer peer : rule.getFrom()) {
                assertThat(peer.getNamespaceSelector()).as("peer " + peer).isNull();
                assertThat(peer.getIpBlock()).as("peer " + peer).isNull();
                m.all(Deployment.class).stream()
                        .filter(d -> Checks.selects(peer.getPodSelector(), Checks.podLabels(d)))
                        .forEach(d -> admitted.add(d.getMetadata().getName()));
            }
        });
        assertThat(admitted).containsExactly("bridge-service", "queue-service");
    }

    @Test
    void everyOperatorSecretIsDocumentedWithItsKeys() throws IOException {
        Map<String, Set<String>> used = secretKeysUsed(rendered("base"));
        assertThat(used.keySet()).as("the Secrets the Deployments name").isEqualTo(OPERATOR_SECRETS);
        Map<String, Set<String>> documented = documentedSecrets();
        used.forEach((name, keys) -> {
            assertThat(documented).as("`kubectl create secret generic " + name + "` in docs/operations.md").containsKey(name);
            assertThat(documented.get(name)).as("keys of " + name + " in docs/operations.md").containsAll(keys);
        });
    }

    @Test
    void baseRunsTwoReplicasOfEachImageInNoNamespace() {
        Manifests m = rendered("base");
        for (String service : SERVICES) {
            assertThat(m.deployment(service).getSpec().getReplicas()).as(service + " replicas").isEqualTo(2);
            assertThat(m.container(service).getImage()).isEqualTo("rediacc/" + service + ":latest");
        }
        assertThat(m.objects()).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isNull());
    }

    @Test
    void devOverlayRunsOneReplicaOfEachInItsNamespace() {
        Manifests m = rendered("overlays/dev");
        for (String service : SERVICES) {
            assertThat(m.deployment(service).getSpec().getReplicas()).as(service + " replicas").isEqualTo(1);
        }
        assertThat(m.all(Namespace.class)).extracting(n -> n.getMetadata().getName()).containsExactly("rediacc-dev");
        assertThat(m.objects()).filteredOn(o -> !(o instanceof Namespace))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as(describe(o)).isEqualTo("rediacc-dev"));
    }

    /** The Secrets made outside the rendering: the operator's by hand, and CloudNativePG's for each of its Clusters. */
    static Set<String> providedSecrets(Manifests m) {
        Set<String> provided = new TreeSet<>(OPERATOR_SECRETS);
        m.all(CnpgCluster.class).forEach(cluster -> provided.add(cluster.appSecret()));
        return provided;
    }

    /** The environment names a service reads: its application.properties, and the settings its docs list. */
    static Set<String> settingsRead(String service) throws IOException {
        Set<String> names = new HashSet<>(IMAGE_SETTINGS);
        for (String line : Files.readAllLines(ROOT.resolve(service + "/src/main/resources/application.properties"))) {
            line = line.strip();
            if (!line.isEmpty() && !line.startsWith("#") && line.contains("=")) {
                names.add(envName(line.substring(0, line.indexOf('=')).strip().replaceFirst("^%[^.]+\\.", "")));
            }
        }
        Pattern quoted = Pattern.compile("`([^`\\s]+)`");
        for (String doc : List.of("docs/operations.md", "docs/vault.md")) {
            Matcher found = quoted.matcher(Files.readString(ROOT.resolve(doc)));
            while (found.find()) {
                String name = found.group(1);
                if (name.matches("(rediacc|quarkus|kafka|mp)\\.[\\w.\"-]+")) {
                    names.add(envName(name));
                } else if (name.matches("[A-Z][A-Z0-9_]+")) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The environment variable SmallRye Config reads a property from. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static List<String> jvmOptions(String service) throws IOException {
        Path file = ROOT.resolve(service).resolve("jvm.options");
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .flatMap(line -> Arrays.stream(line.split("\\s+")))
                .toList();
    }

    /** Secret name to the keys the Deployments pick from it. */
    static Map<String, Set<String>> secretKeysUsed(Manifests m) {
        Map<String, Set<String>> used = new LinkedHashMap<>();
        for (Deployment d : m.all(Deployment.class)) {
            for (Container c : Checks.containers(d)) {
                for (EnvFromSource from : Checks.list(c.getEnvFrom())) {
                    if (from.getSecretRef() != null) {
                        used.computeIfAbsent(from.getSecretRef().getName(), k -> new TreeSet<>());
                    }
                }
                for (EnvVar var : Checks.list(c.getEnv())) {
                    if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                        used.computeIfAbsent(var.getValueFrom().getSecretKeyRef().getName(), k -> new TreeSet<>())
                                .add(var.getValueFrom().getSecretKeyRef().getKey());
                    }
                }
            }
            for (Volume v : Checks.list(d.getSpec().getTemplate().getSpec().getVolumes())) {
                if (v.getSecret() != null) {
                    Set<String> keys = used.computeIfAbsent(v.getSecret().getSecretName(), k -> new TreeSet<>());
                    Checks.list(v.getSecret().getItems()).forEach(item -> keys.add(item.getKey()));
                }
            }
        }
        return used;
    }

    /** The `kubectl ... create secret generic NAME --from-literal=KEY=... --from-file=[KEY=]FILE` commands of docs/operations.md. */
    static Map<String, Set<String>> documentedSecrets() throws IOException {
        String text = Files.readString(ROOT.resolve("docs/operations.md")).replaceAll("\\\\\\n\\s*", " ");
        Map<String, Set<String>> secrets = new LinkedHashMap<>();
        Matcher command = Pattern.compile("kubectl [^\\n]*?create secret generic ([\\w.-]+)([^\\n]*)").matcher(text);
        while (command.find()) {
            Set<String> keys = secrets.computeIfAbsent(command.group(1), k -> new TreeSet<>());
            Matcher literal = Pattern.compile("--from-literal=([\\w.-]+)=").matcher(command.group(2));
            while (literal.find()) {
                keys.add(literal.group(1));
            }
            Matcher file = Pattern.compile("--from-file=(?:([\\w.-]+)=)?(\\S+)").matcher(command.group(2));
            while (file.find()) {
                keys.add(file.group(1) != null ? file.group(1) : Path.of(file.group(2)).getFileName().toString());
            }
        }
        return secrets;
    }

    static long bytes(Quantity quantity) {
        return quantity.getNumericalAmount().longValue();
    }

    static long maxHeap(String javaOptions) {
        Matcher xmx = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)").matcher(javaOptions);
        if (!xmx.find()) {
            fail("no -Xmx in " + javaOptions);
        }
        long unit = switch (xmx.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1024;
            case "m" -> MIB;
            case "g" -> 1024 * MIB;
            default -> 1;
        };
        return Long.parseLong(xmx.group(1)) * unit;
    }

    /** A Quarkus duration: "20s", "2m", "500ms", or plain seconds. */
    static Duration duration(String value) {
        if (value.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        return Duration.parse("PT" + value);
    }

    private static String describe(HasMetadata o) {
        return o.getKind() + " " + o.getMetadata().getName();
    }
}
