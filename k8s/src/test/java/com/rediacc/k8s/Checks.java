package com.rediacc.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks of a rendering; each returns what is wrong, one line per problem, empty when all is well. */
final class Checks {
    static final String LIVE = "/q/health/live";
    static final String READY = "/q/health/ready";

    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(password|passwd|token|secret|private.?key|root.?key|credential).*");
    /** PEM blocks, hex strings of 128 bits or more, long base64 runs. */
    private static final Pattern SECRET_VALUE =
            Pattern.compile("-----BEGIN|\\b[0-9a-fA-F]{32,}\\b|[A-Za-z0-9+/_-]{40,}={0,2}");

    private Checks() {
    }

    /** Every container has liveness and readiness probes on the Quarkus health endpoints, on a port it declares. */
    static List<String> probes(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Deployment d : m.all(Deployment.class)) {
            for (Container c : containers(d)) {
                String where = d.getMetadata().getName() + "/" + c.getName();
                probe(problems, where + " livenessProbe", c.getLivenessProbe(), LIVE, c, true);
                probe(problems, where + " readinessProbe", c.getReadinessProbe(), READY, c, true);
                probe(problems, where + " startupProbe", c.getStartupProbe(), LIVE, c, false);
            }
        }
        return problems;
    }

    private static void probe(List<String> problems, String what, Probe probe, String path, Container c,
                              boolean required) {
        if (probe == null) {
            if (required) {
                problems.add(what + ": missing");
            }
            return;
        }
        HTTPGetAction get = probe.getHttpGet();
        if (get == null) {
            problems.add(what + ": not an HTTP GET of " + path);
            return;
        }
        if (!path.equals(get.getPath())) {
            problems.add(what + ": GET " + get.getPath() + ", expected " + path);
        }
        if (!declares(c, get.getPort())) {
            problems.add(what + ": port " + show(get.getPort()) + " is not one the container declares");
        }
    }

    /** Every container requests and limits cpu and memory, with limits no lower than requests. */
    static List<String> resources(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Deployment d : m.all(Deployment.class)) {
            for (Container c : containers(d)) {
                String where = d.getMetadata().getName() + "/" + c.getName();
                ResourceRequirements r = c.getResources();
                Map<String, Quantity> requests = r == null ? Map.of() : map(r.getRequests());
                Map<String, Quantity> limits = r == null ? Map.of() : map(r.getLimits());
                for (String resource : List.of("cpu", "memory")) {
                    Quantity request = requests.get(resource);
                    Quantity limit = limits.get(resource);
                    if (request == null) {
                        problems.add(where + ": no requests." + resource);
                    }
                    if (limit == null) {
                        problems.add(where + ": no limits." + resource);
                    }
                    if (request != null && limit != null
                            && limit.getNumericalAmount().compareTo(request.getNumericalAmount()) < 0) {
                        problems.add(where + ": limits." + resource + " " + limit + " is below the request " + request);
                    }
                }
            }
        }
        return problems;
    }

    /** Non-root, no privilege escalation, no capabilities, read-only root filesystem, no API token. */
    static List<String> security(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Deployment d : m.all(Deployment.class)) {
            PodSpec spec = d.getSpec().getTemplate().getSpec();
            PodSecurityContext pod = spec.getSecurityContext();
            if (!Boolean.FALSE.equals(spec.getAutomountServiceAccountToken())) {
                problems.add(d.getMetadata().getName() + ": mounts a service account token (automountServiceAccountToken)");
            }
            for (Container c : containers(d)) {
                String where = d.getMetadata().getName() + "/" + c.getName();
                SecurityContext sc = c.getSecurityContext();
                Boolean nonRoot = sc != null && sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot()
                        : pod == null ? null : pod.getRunAsNonRoot();
                Long user = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser()
                        : pod == null ? null : pod.getRunAsUser();
                if (!Boolean.TRUE.equals(nonRoot)) {
                    problems.add(where + ": may run as root (runAsNonRoot is not true)");
                }
                if (user != null && user == 0) {
                    problems.add(where + ": runAsUser 0");
                }
                if (sc == null) {
                    problems.add(where + ": no securityContext");
                    continue;
                }
                if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                    problems.add(where + ": allowPrivilegeEscalation is not false");
                }
                if (Boolean.TRUE.equals(sc.getPrivileged())) {
                    problems.add(where + ": privileged");
                }
                if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                    problems.add(where + ": readOnlyRootFilesystem is not true");
                }
                if (sc.getCapabilities() == null || !list(sc.getCapabilities().getDrop()).contains("ALL")
                        || !list(sc.getCapabilities().getAdd()).isEmpty()) {
                    problems.add(where + ": capabilities are not exactly drop [ALL]");
                }
            }
            for (Volume v : list(spec.getVolumes())) {
                Integer mode = v.getSecret() == null ? null : v.getSecret().getDefaultMode();
                if (mode != null && (mode & 0007) != 0) {
                    problems.add(d.getMetadata().getName() + ": Secret volume " + v.getName()
                            + " is readable by others (defaultMode " + Integer.toOctalString(mode) + ")");
                }
            }
        }
        return problems;
    }

    /** Every ConfigMap and Secret a Deployment names (and key it picks) is rendered, or an operator-provided Secret. */
    static List<String> references(Manifests m, Set<String> operatorSecrets) {
        List<String> problems = new ArrayList<>();
        for (Deployment d : m.all(Deployment.class)) {
            String where = d.getMetadata().getName();
            for (Container c : containers(d)) {
                for (EnvFromSource from : list(c.getEnvFrom())) {
                    if (from.getConfigMapRef() != null && !Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
                        configMap(m, problems, where, from.getConfigMapRef().getName(), null);
                    }
                    if (from.getSecretRef() != null && !Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                        secret(m, operatorSecrets, problems, where, from.getSecretRef().getName(), null);
                    }
                }
                for (EnvVar var : list(c.getEnv())) {
                    EnvVarSource source = var.getValueFrom();
                    if (source == null) {
                        continue;
                    }
                    if (source.getConfigMapKeyRef() != null && !Boolean.TRUE.equals(source.getConfigMapKeyRef().getOptional())) {
                        configMap(m, problems, where, source.getConfigMapKeyRef().getName(), source.getConfigMapKeyRef().getKey());
                    }
                    if (source.getSecretKeyRef() != null && !Boolean.TRUE.equals(source.getSecretKeyRef().getOptional())) {
                        secret(m, operatorSecrets, problems, where, source.getSecretKeyRef().getName(), source.getSecretKeyRef().getKey());
                    }
                }
            }
            for (Volume v : list(d.getSpec().getTemplate().getSpec().getVolumes())) {
                if (v.getConfigMap() != null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                    configMap(m, problems, where, v.getConfigMap().getName(), null);
                    list(v.getConfigMap().getItems()).forEach(item ->
                            configMap(m, problems, where, v.getConfigMap().getName(), item.getKey()));
                }
                if (v.getSecret() != null && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
                    secret(m, operatorSecrets, problems, where, v.getSecret().getSecretName(), null);
                    for (KeyToPath item : list(v.getSecret().getItems())) {
                        secret(m, operatorSecrets, problems, where, v.getSecret().getSecretName(), item.getKey());
                    }
                }
            }
        }
        return problems;
    }

    private static void configMap(Manifests m, List<String> problems, String where, String name, String key) {
        var found = m.named(ConfigMap.class, name);
        if (found.isEmpty()) {
            problems.add(where + ": ConfigMap " + name + " is not in the rendering");
        } else if (key != null && !map(found.get().getData()).containsKey(key)) {
            problems.add(where + ": ConfigMap " + name + " has no key " + key);
        }
    }

    private static void secret(Manifests m, Set<String> operatorSecrets, List<String> problems, String where,
                               String name, String key) {
        var found = m.named(Secret.class, name);
        if (found.isPresent()) {
            if (key != null && !map(found.get().getData()).containsKey(key)
                    && !map(found.get().getStringData()).containsKey(key)) {
                problems.add(where + ": Secret " + name + " has no key " + key);
            }
        } else if (!operatorSecrets.contains(name)) {
            problems.add(where + ": Secret " + name + " is neither rendered nor operator-provided");
        }
    }

    /** A Deployment's selector matches its own pods. */
    static List<String> deploymentSelectors(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Deployment d : m.all(Deployment.class)) {
            if (!selects(d.getSpec().getSelector(), podLabels(d))) {
                problems.add(d.getMetadata().getName() + ": its selector does not match its pod labels");
            }
        }
        return problems;
    }

    /** Every Service selects the pods of exactly one Deployment and targets ports their containers declare. */
    static List<String> services(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Service s : m.all(Service.class)) {
            String where = "Service " + s.getMetadata().getName();
            Map<String, String> selector = map(s.getSpec().getSelector());
            List<Deployment> targets = m.all(Deployment.class).stream()
                    .filter(d -> !selector.isEmpty() && podLabels(d).entrySet().containsAll(selector.entrySet()))
                    .toList();
            if (targets.size() != 1) {
                problems.add(where + ": selector " + selector + " matches " + targets.size() + " Deployments, not 1");
                continue;
            }
            for (ServicePort port : list(s.getSpec().getPorts())) {
                IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
                if (containers(targets.get(0)).stream().noneMatch(c -> declares(c, target))) {
                    problems.add(where + ": targetPort " + show(target) + " is not a port of "
                            + targets.get(0).getMetadata().getName());
                }
            }
        }
        return problems;
    }

    /** Every Deployment has exactly one PodDisruptionBudget, and every budget covers a Deployment. */
    static List<String> disruptionBudgets(Manifests m) {
        List<String> problems = new ArrayList<>();
        List<PodDisruptionBudget> budgets = m.all(PodDisruptionBudget.class);
        for (Deployment d : m.all(Deployment.class)) {
            long count = budgets.stream().filter(b -> selects(b.getSpec().getSelector(), podLabels(d))).count();
            if (count != 1) {
                problems.add(d.getMetadata().getName() + ": " + count + " PodDisruptionBudgets, not 1");
            }
        }
        for (PodDisruptionBudget b : budgets) {
            if (m.all(Deployment.class).stream().noneMatch(d -> selects(b.getSpec().getSelector(), podLabels(d)))) {
                problems.add("PodDisruptionBudget " + b.getMetadata().getName() + " covers no Deployment");
            }
            if ((b.getSpec().getMinAvailable() == null) == (b.getSpec().getMaxUnavailable() == null)) {
                problems.add("PodDisruptionBudget " + b.getMetadata().getName() + ": set one of minAvailable, maxUnavailable");
            }
        }
        return problems;
    }

    /** NetworkPolicies select Deployments' pods, admit pods of Deployments, and name ports those pods declare. */
    static List<String> networkPolicies(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (NetworkPolicy p : m.all(NetworkPolicy.class)) {
            String where = "NetworkPolicy " + p.getMetadata().getName();
            List<Deployment> targets = m.all(Deployment.class).stream()
                    .filter(d -> selects(p.getSpec().getPodSelector(), podLabels(d))).toList();
            if (targets.isEmpty()) {
                problems.add(where + ": selects no Deployment's pods");
            }
            for (NetworkPolicyIngressRule rule : list(p.getSpec().getIngress())) {
                for (NetworkPolicyPeer peer : list(rule.getFrom())) {
                    boolean podsHere = peer.getNamespaceSelector() == null && peer.getIpBlock() == null;
                    if (podsHere && m.all(Deployment.class).stream()
                            .noneMatch(d -> selects(peer.getPodSelector(), podLabels(d)))) {
                        problems.add(where + ": admits pods no Deployment runs (" + peer.getPodSelector() + ")");
                    }
                }
                for (NetworkPolicyPort port : list(rule.getPorts())) {
                    for (Deployment target : targets) {
                        if (port.getPort() != null && containers(target).stream().noneMatch(c -> declares(c, port.getPort()))) {
                            problems.add(where + ": port " + show(port.getPort()) + " is not a port of "
                                    + target.getMetadata().getName());
                        }
                    }
                }
            }
        }
        return problems;
    }

    /** No ConfigMap entry or literal env value is, or is named like, a password, token or key. */
    static List<String> plaintextSecrets(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (ConfigMap map : m.all(ConfigMap.class)) {
            map(map.getData()).forEach((k, v) -> plaintext(problems, "ConfigMap " + map.getMetadata().getName(), k, v));
        }
        for (Deployment d : m.all(Deployment.class)) {
            for (Container c : containers(d)) {
                for (EnvVar var : list(c.getEnv())) {
                    if (var.getValue() != null) {
                        plaintext(problems, d.getMetadata().getName() + "/" + c.getName(), var.getName(), var.getValue());
                    }
                }
            }
        }
        return problems;
    }

    private static void plaintext(List<String> problems, String where, String name, String value) {
        if (looksSecret(name) && !value.isBlank()) {
            problems.add(where + ": " + name + " is a secret in plain text; take it from a Secret");
        } else if (SECRET_VALUE.matcher(value).find()) {
            problems.add(where + ": the value of " + name + " looks like key material");
        }
    }

    /** Named like a password, token or key; a *_FILE setting names a file, not a secret. */
    static boolean looksSecret(String name) {
        return SECRET_NAME.matcher(name).matches() && !name.toUpperCase(Locale.ROOT).endsWith("_FILE");
    }

    static List<Container> containers(Deployment d) {
        PodSpec spec = d.getSpec().getTemplate().getSpec();
        List<Container> all = new ArrayList<>(list(spec.getInitContainers()));
        all.addAll(list(spec.getContainers()));
        return all;
    }

    static Map<String, String> podLabels(Deployment d) {
        return map(d.getSpec().getTemplate().getMetadata().getLabels());
    }

    /** matchLabels only: these manifests use no matchExpressions, and a selector with them fails here. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (!list(selector.getMatchExpressions()).isEmpty()) {
            throw new AssertionError("matchExpressions are not evaluated by these checks: " + selector);
        }
        Map<String, String> wanted = map(selector.getMatchLabels());
        return !wanted.isEmpty() && labels.entrySet().containsAll(wanted.entrySet());
    }

    static boolean declares(Container c, IntOrString port) {
        if (port == null) {
            return false;
        }
        return list(c.getPorts()).stream().anyMatch(p -> port.getStrVal() != null
                ? port.getStrVal().equals(p.getName())
                : port.getIntVal() != null && port.getIntVal().equals(p.getContainerPort()));
    }

    private static String show(IntOrString port) {
        return port == null ? "(none)" : port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
