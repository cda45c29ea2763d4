package com.rediacc.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a task costs besides CPU, counted over a phase (issue 22, docs/architecture.md "What a task
 * costs"): the HTTP calls queue-service answered (its {@code http_server_requests_seconds_count}, by
 * method and route, every status), the rows written per table of the queue database
 * ({@code pg_stat_user_tables}: inserted, updated, of them HOT, deleted), and the messages written to
 * each Kafka topic (end offsets). Counters of the whole stack: other clients of it count too.
 */
final class TaskCalls implements AutoCloseable {
    private static final Pattern HTTP = Pattern.compile(
            "^http_server_requests_seconds_count\\{method=\"([A-Z]+)\",.*uri=\"([^\"]+)\"} ([0-9.eE+-]+)$", Pattern.MULTILINE);
    private static final String TABLES = "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String queueMetrics;
    private final Admin kafka;

    TaskCalls(String queueUrl, String kafkaBootstrap) {
        this.queueMetrics = queueUrl.replaceAll("/+$", "") + "/q/metrics";
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        this.kafka = Admin.create(props);
    }

    /** Every counter now (name -> value); a source that cannot be read is left out. */
    Map<String, Double> snapshot() {
        Map<String, Double> out = new TreeMap<>();
        try {
            String text = http.send(HttpRequest.newBuilder(URI.create(queueMetrics)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = HTTP.matcher(text);
            while (m.find()) {
                out.merge("http " + m.group(1) + " " + m.group(2), Double.parseDouble(m.group(3)), Double::sum);
            }
        } catch (IOException e) {
            Log.info("task calls: cannot read %s: %s", queueMetrics, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (String line : QueueCost.psql(TABLES)) {
                String[] f = line.split("\\|");
                out.put("rows inserted " + f[0], Double.parseDouble(f[1]));
                out.put("rows updated " + f[0], Double.parseDouble(f[2]));
                out.put("rows updated (HOT) " + f[0], Double.parseDouble(f[3]));
                out.put("rows deleted " + f[0], Double.parseDouble(f[4]));
            }
        } catch (IOException | RuntimeException e) {
            Log.info("task calls: cannot read pg_stat_user_tables: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var topic : kafka.describeTopics(kafka.listTopics().names().get(15, TimeUnit.SECONDS)).allTopicNames()
                    .get(15, TimeUnit.SECONDS).values()) {
                topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
            }
            kafka.listOffsets(latest).all().get(15, TimeUnit.SECONDS)
                    .forEach((tp, info) -> out.merge("kafka messages " + tp.topic(), (double) info.offset(), Double::sum));
        } catch (Exception e) {
            Log.info("task calls: cannot read Kafka's end offsets: %s", e.getMessage());
        }
        return out;
    }

    /** The counters that moved between two snapshots, per task (and in total). */
    static Map<String, Object> between(Map<String, Double> a, Map<String, Double> b, int tasks) {
        Map<String, Object> perTask = new LinkedHashMap<>();
        Map<String, Object> total = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : b.entrySet()) {
            double d = e.getValue() - a.getOrDefault(e.getKey(), 0.0);
            if (d > 0) {
                total.put(e.getKey(), (long) d);
                perTask.put(e.getKey(), tasks > 0 ? Math.round(d / tasks * 1000) / 1000.0 : Double.NaN);
            }
        }
        return Map.of("perTask", perTask, "total", total, "note", List.of(
                "http: calls answered by queue-service (the bench's own batch creates and metric reads too)",
                "rows: pg_stat_user_tables of the queue database (published up to a second late)",
                "kafka: messages appended to each topic (all producers of the shared broker)"));
    }

    @Override
    public void close() {
        kafka.close(Duration.ofSeconds(5));
    }
}
