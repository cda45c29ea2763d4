package com.rediacc.k8s;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parser and each check fail on the mistake they exist for, starting from a rendering that passes them all. */
class ChecksTest {
    private static final String GOOD = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  automountServiceAccountToken: false
                  securityContext: {runAsNonRoot: true, runAsUser: 185}
                  containers:
                    - name: web
                      image: web:1
                      ports: [{name: http, containerPort: 8080}]
                      envFrom: [{configMapRef: {name: web-config}}]
                      env:
                        - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: web-db, key: password}}}
                      livenessProbe: {httpGet: {path: /q/health/live, port: http}}
                      readinessProbe: {httpGet: {path: /q/health/ready, port: 8080}}
                      resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: "1", memory: 128Mi}}
                      securityContext:
                        allowPrivilegeEscalation: false
                        readOnlyRootFilesystem: true
                        capabilities: {drop: [ALL]}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-config}
            data: {MODE: fast, KEY_FILE: /etc/web/key.pem}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{port: 80, targetPort: http}]
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web}
            spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]
            """;

    private static final Set<String> OPERATOR_SECRETS = Set.of("web-db");

    /** GOOD with one piece replaced; the piece must occur exactly once. */
    private static String with(String piece, String replacement) {
        assertThat(GOOD.split(Pattern.quote(piece), -1)).as("occurrences of " + piece).hasSize(2);
        return GOOD.replace(piece, replacement);
    }

    private static Manifests parse(String yaml) {
        return Manifests.parse(yaml);
    }

    @Test
    void theStartingPointPassesEveryCheck() {
        Manifests m = parse(GOOD);
        assertThat(m.objects()).hasSize(5);
        assertThat(Checks.probes(m)).isEmpty();
        assertThat(Checks.resources(m)).isEmpty();
        assertThat(Checks.security(m)).isEmpty();
        assertThat(Checks.references(m, OPERATOR_SECRETS)).isEmpty();
        assertThat(Checks.deploymentSelectors(m)).isEmpty();
        assertThat(Checks.services(m)).isEmpty();
        assertThat(Checks.disruptionBudgets(m)).isEmpty();
        assertThat(Checks.networkPolicies(m)).isEmpty();
        assertThat(Checks.plaintextSecrets(m)).isEmpty();
    }

    @Test
    void aMisspeltFieldDoesNotParse() {
        assertThatThrownBy(() -> parse(with("readOnlyRootFilesystem", "readOnlyRootFileSystem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Deployment web")
                .hasMessageContaining("readOnlyRootFileSystem");
    }

    @Test
    void aMisspeltFieldInMetadataDoesNotParse() {
        assertThatThrownBy(() -> parse(with("metadata: {name: web-config}", "metadata: {name: web-config, label: {a: b}}")))
                .hasMessageContaining("label");
    }

    @Test
    void aStringWhereTheApiWantsANumberDoesNotParse() {
        assertThatThrownBy(() -> parse(with("containerPort: 8080", "containerPort: \"8080\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"containerPort\"");
    }

    @Test
    void aNumberWhereTheApiWantsAStringDoesNotParse() {
        assertThatThrownBy(() -> parse(with("MODE: fast", "MODE: 3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ConfigMap web-config")
                .hasMessageContaining("\"MODE\"");
    }

    @Test
    void anUnknownKindOrApiVersionDoesNotParse() {
        assertThatThrownBy(() -> parse(with("apiVersion: policy/v1", "apiVersion: policy/v1beta1")))
                .hasMessageContaining("no model for policy/v1beta1/PodDisruptionBudget");
        assertThatThrownBy(() -> parse(GOOD + "---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\n"))
                .hasMessageContaining("no model for batch/v1/CronJob");
    }

    @Test
    void probesMustExistAndAskHealthOnADeclaredPort() {
        assertThat(Checks.probes(parse(with("port: 8080}}", "port: 9090}}"))))
                .containsExactly("web/web readinessProbe: port 9090 is not one the container declares");
        assertThat(Checks.probes(parse(with("path: /q/health/ready", "path: /health"))))
                .containsExactly("web/web readinessProbe: GET /health, expected /q/health/ready");
        assertThat(Checks.probes(parse(with("livenessProbe:", "startupProbe:"))))
                .containsExactly("web/web livenessProbe: missing");
    }

    @Test
    void resourcesNeedRequestsAndLimits() {
        assertThat(Checks.resources(parse(with(", limits: {cpu: \"1\", memory: 128Mi}", ""))))
                .containsExactly("web/web: no limits.cpu", "web/web: no limits.memory");
        assertThat(Checks.resources(parse(with("memory: 128Mi", "memory: 32Mi"))))
                .containsExactly("web/web: limits.memory 32Mi is below the request 64Mi");
    }

    @Test
    void securityContextMustLockThePodDown() {
        assertThat(Checks.security(parse(with("runAsNonRoot: true", "runAsNonRoot: false"))))
                .containsExactly("web/web: may run as root (runAsNonRoot is not true)");
        assertThat(Checks.security(parse(with("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true"))))
                .containsExactly("web/web: allowPrivilegeEscalation is not false");
        assertThat(Checks.security(parse(with("drop: [ALL]", "drop: [NET_RAW]"))))
                .containsExactly("web/web: capabilities are not exactly drop [ALL]");
        assertThat(Checks.security(parse(with("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"))))
                .containsExactly("web/web: readOnlyRootFilesystem is not true");
        assertThat(Checks.security(parse(with("automountServiceAccountToken: false", "automountServiceAccountToken: true"))))
                .containsExactly("web: mounts a service account token (automountServiceAccountToken)");
    }

    @Test
    void referencesMustBeRenderedOrOperatorProvided() {
        assertThat(Checks.references(parse(GOOD), Set.of()))
                .containsExactly("web: Secret web-db is neither rendered nor operator-provided");
        assertThat(Checks.references(parse(with("configMapRef: {name: web-config}", "configMapRef: {name: web-cfg}")), OPERATOR_SECRETS))
                .containsExactly("web: ConfigMap web-cfg is not in the rendering");
    }

    @Test
    void servicesMustSelectOneDeploymentAndADeclaredPort() {
        assertThat(Checks.services(parse(with("selector: {app: web}", "selector: {app: api}"))))
                .containsExactly("Service web: selector {app=api} matches 0 Deployments, not 1");
        assertThat(Checks.services(parse(with("targetPort: http", "targetPort: metrics"))))
                .containsExactly("Service web: targetPort metrics is not a port of web");
    }

    @Test
    void everyDeploymentNeedsOneDisruptionBudget() {
        assertThat(Checks.disruptionBudgets(parse(with("spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}",
                "spec: {maxUnavailable: 1, selector: {matchLabels: {app: api}}}"))))
                .containsExactly("web: 0 PodDisruptionBudgets, not 1", "PodDisruptionBudget web covers no Deployment");
    }

    @Test
    void networkPoliciesMustNamePodsAndPortsThatExist() {
        assertThat(Checks.networkPolicies(parse(with("ports: [{port: http}]", "ports: [{port: 9000}]"))))
                .containsExactly("NetworkPolicy web: port 9000 is not a port of web");
    }

    @Test
    void secretsInConfigMapsOrEnvValuesAreFound() {
        assertThat(Checks.plaintextSecrets(parse(with("MODE: fast", "ADMIN_TOKEN: hunter2"))))
                .containsExactly("ConfigMap web-config: ADMIN_TOKEN is a secret in plain text; take it from a Secret");
        assertThat(Checks.plaintextSecrets(parse(with("MODE: fast", "MODE: 0123456789abcdef0123456789abcdef"))))
                .containsExactly("ConfigMap web-config: the value of MODE looks like key material");
        assertThat(Checks.plaintextSecrets(parse(with("valueFrom: {secretKeyRef: {name: web-db, key: password}}", "value: s3cret"))))
                .containsExactly("web/web: DB_PASSWORD is a secret in plain text; take it from a Secret");
    }
}
