package com.rediacc.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/monitoring rendered with kubectl: one PrometheusRule whose rules each have a name, an
 * expression, a severity and a summary, one dashboard ConfigMap Grafana's sidecar loads, whose
 * panels have unique ids and queries; and every metric they name is one docs/operations.md lists
 * (a misspelt or removed metric fails here, not silently on a dashboard), and every listed metric
 * is on the dashboard.
 */
class MonitoringTest {
    static final String DIR = "monitoring";
    private static final Pattern METRIC = Pattern.compile("\\brediacc_[a-z_]+");
    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(rediacc_[a-z_]+)` \\| (gauge|counter|histogram) \\|",
            Pattern.MULTILINE);
    private static final Set<String> SEVERITIES = Set.of("warning", "critical");

    private static final List<JsonNode> OBJECTS = new ArrayList<>();
    private static JsonNode rule;
    private static JsonNode dashboard;

    @BeforeAll
    static void render() throws IOException {
        String yaml = Kubectl.kustomize(ManifestsTest.K8S.resolve(DIR));
        try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNextValue()) {
                OBJECTS.add(documents.nextValue());
            }
        }
        rule = only("monitoring.coreos.com/v1", "PrometheusRule");
        JsonNode configMap = only("v1", "ConfigMap");
        assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        dashboard = new ObjectMapper().readTree(configMap.path("data").path("rediacc.json").asText());
    }

    @Test
    void rendersOneRuleObjectAndOneDashboard() {
        assertThat(OBJECTS).hasSize(2);
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        assertThat(dashboard.path("title").asText()).isNotBlank();
    }

    @Test
    void everyRuleHasANameAnExpressionASeverityAndASummary() {
        Set<String> names = new HashSet<>();
        List<JsonNode> rules = rules();
        assertThat(rules).isNotEmpty();
        for (JsonNode r : rules) {
            String name = r.path("alert").asText();
            assertThat(name).matches("Rediacc[A-Z][A-Za-z]+");
            assertThat(names.add(name)).as("alert %s named once", name).isTrue();
            assertThat(r.path("expr").asText()).as(name + " expr").isNotBlank();
            assertThat(r.path("labels").path("severity").asText()).as(name + " severity").isIn(SEVERITIES);
            assertThat(r.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
            if (r.has("for")) {
                assertThat(r.path("for").asText()).as(name + " for").matches("\\d+[smh]");
            }
        }
    }

    @Test
    void everyPanelHasAUniqueIdAPlaceAndQueries() {
        Set<Integer> ids = new HashSet<>();
        assertThat(dashboard.path("panels").size()).isPositive();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertThat(title).isNotBlank();
            assertThat(ids.add(panel.path("id").asInt())).as("panel id of %s unique", title).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).as(title + " width").isBetween(1, 24);
            assertThat(panel.path("targets").size()).as(title + " targets").isPositive();
            Set<String> refs = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(title + " query").isNotBlank();
                assertThat(refs.add(target.path("refId").asText())).as(title + " refIds unique").isTrue();
            }
        }
    }

    @Test
    void everyMetricNamedIsDocumentedAndEveryDocumentedOneIsOnTheDashboard() throws IOException {
        Set<String> documented = documented();
        assertThat(documented).contains("rediacc_tasks", "rediacc_task_oldest_pending_seconds", "rediacc_ssh_failures_total");
        Set<String> inRules = new TreeSet<>();
        rules().forEach(r -> inRules.addAll(metrics(r.path("expr").asText())));
        Set<String> onDashboard = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(target -> onDashboard.addAll(metrics(target.path("expr").asText())));
        }
        assertThat(inRules).isNotEmpty();
        assertThat(documented).as("metrics the rules name").containsAll(inRules);
        assertThat(documented).as("metrics the dashboard names").containsAll(onDashboard);
        assertThat(onDashboard).as("documented metrics on the dashboard").containsAll(documented);
    }

    /** The metric names in docs/operations.md's table. */
    private static Set<String> documented() throws IOException {
        Matcher matcher = DOCUMENTED.matcher(Files.readString(ManifestsTest.ROOT.resolve("docs/operations.md")));
        Set<String> names = new TreeSet<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** The metrics a PromQL expression names, a histogram's series by the histogram's name. */
    private static Set<String> metrics(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = METRIC.matcher(expr);
        while (matcher.find()) {
            names.add(matcher.group().replaceFirst("_(bucket|count|sum|max)$", ""));
        }
        return names;
    }

    private static List<JsonNode> rules() {
        List<JsonNode> rules = new ArrayList<>();
        rule.path("spec").path("groups").forEach(group -> group.path("rules").forEach(rules::add));
        return rules;
    }

    private static JsonNode only(String apiVersion, String kind) {
        List<JsonNode> found = OBJECTS.stream().filter(o -> o.path("apiVersion").asText().equals(apiVersion)
                && o.path("kind").asText().equals(kind)).toList();
        assertThat(found).as(apiVersion + " " + kind).hasSize(1);
        return found.getFirst();
    }
}
