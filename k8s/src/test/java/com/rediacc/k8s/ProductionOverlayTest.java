package com.rediacc.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.contract.events.Topics;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * k8s/overlays/production: Kafka (Strimzi), PostgreSQL (CloudNativePG) and the bridges' autoscaling (KEDA)
 * as resources, and what ties them to the services. Every object was parsed strictly into its model by
 * {@link ManifestsTest#rendered}; the generic checks of ManifestsTest run on this overlay too.
 */
class ProductionOverlayTest {
    private final Manifests m = ManifestsTest.rendered("overlays/production");

    @Test
    void everyTopicOfTheContractIsAKafkaTopicWithItsPartitionsAndRetention() {
        Map<String, KafkaTopic> topics = m.all(KafkaTopic.class).stream().collect(Collectors.toMap(
                t -> t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : t.getMetadata().getName(),
                Function.identity()));
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(Topics.Topic::name).toList());
        for (Topics.Topic topic : Topics.ALL) {
            KafkaTopic resource = topics.get(topic.name());
            assertThat(resource.getSpec().getPartitions()).as(topic.name() + " partitions").isEqualTo(topic.partitions());
            assertThat(resource.getSpec().getConfig().get("retention.ms")).as(topic.name() + " retention.ms")
                    .isInstanceOf(Number.class)
                    .satisfies(ms -> assertThat(((Number) ms).longValue()).isEqualTo(topic.retention().toMillis()));
            assertThat(resource.getMetadata().getLabels()).as(topic.name() + ": the Kafka whose topic operator makes it")
                    .containsEntry("strimzi.io/cluster", kafka().getMetadata().getName());
            assertThat(resource.getSpec().getReplicas()).as(topic.name() + " replicas vs brokers")
                    .isBetween(minInSyncReplicas() + 1, nodes(ProcessRoles.BROKER));
        }
    }

    @Test
    void kafkaRunsInKraftNodePoolsWithItsTopicOperator() {
        assertThat(m.all(Kafka.class)).hasSize(1);
        assertThat(m.all(KafkaNodePool.class)).allSatisfy(pool -> assertThat(pool.getMetadata().getLabels())
                .containsEntry("strimzi.io/cluster", kafka().getMetadata().getName()));
        // an odd number of controllers keeps a KRaft quorum when one is down
        assertThat(nodes(ProcessRoles.CONTROLLER)).isGreaterThanOrEqualTo(3).isOdd();
        assertThat(nodes(ProcessRoles.BROKER)).isGreaterThanOrEqualTo(3);
        Map<String, Object> config = kafka().getSpec().getKafka().getConfig();
        assertThat(config.get("default.replication.factor")).isEqualTo(nodes(ProcessRoles.BROKER));
        assertThat(config.get("auto.create.topics.enable")).as("topics are the KafkaTopics only").isEqualTo(false);
        assertThat(kafka().getSpec().getEntityOperator().getTopicOperator()).as("the KafkaTopics need the topic operator").isNotNull();
    }

    @Test
    void servicesReachKafkaAtItsBootstrapService() {
        for (String service : List.of("queue-service", "bridge-service")) {
            assertThat(env(service).get("KAFKA_BOOTSTRAP_SERVERS")).as(service).isEqualTo(bootstrap(""));
        }
    }

    @Test
    void servicesUseTheirCloudNativePgClustersSecretAndReadWriteService() {
        Map<String, String> databases = Map.of("queue-service", "rediacc_queue", "vault-service", "rediacc_vault");
        databases.forEach((service, database) -> {
            CnpgCluster cluster = m.all(CnpgCluster.class).stream()
                    .filter(c -> c.getSpec().bootstrap().initdb().database().equals(database)).findFirst()
                    .orElseThrow(() -> new AssertionError("no Cluster bootstraps " + database));
            String address = cluster.readWriteService() + ":5432/" + database;
            assertThat(env(service).get("QUARKUS_DATASOURCE_JDBC_URL")).as(service).isEqualTo("jdbc:postgresql://" + address);
            if (service.equals("queue-service")) {
                assertThat(env(service).get("QUARKUS_DATASOURCE_REACTIVE_URL")).as(service).isEqualTo("postgresql://" + address);
            }
            for (String setting : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
                EnvVar var = m.container(service).getEnv().stream().filter(e -> e.getName().equals(setting)).findFirst()
                        .orElseThrow(() -> new AssertionError(service + " has no " + setting));
                assertThat(var.getValueFrom().getSecretKeyRef().getName()).as(service + " " + setting).isEqualTo(cluster.appSecret());
                assertThat(ManifestsTest.CNPG_APP_SECRET_KEYS).as(service + " " + setting).contains(var.getValueFrom().getSecretKeyRef().getKey());
            }
            assertThat(cluster.getSpec().instances()).as(cluster.getMetadata().getName() + ": a primary and a replica to fail over to")
                    .isGreaterThanOrEqualTo(2);
        });
    }

    @Test
    void bridgesScaleOnTheDispatchTopicsLagWithinItsPartitions() throws IOException {
        assertThat(m.all(ScaledObject.class)).hasSize(1);
        ScaledObject.Spec scaling = m.all(ScaledObject.class).getFirst().getSpec();
        Deployment bridges = m.deployment(scaling.scaleTargetRef().name());
        assertThat(bridges.getMetadata().getName()).isEqualTo("bridge-service");
        assertThat(bridges.getSpec().getReplicas()).as("KEDA owns the replica count; apply must not reset it").isNull();

        assertThat(scaling.triggers()).hasSize(1);
        ScaledObject.Trigger trigger = scaling.triggers().getFirst();
        assertThat(trigger.type()).isEqualTo("kafka");
        assertThat(trigger.metadata()).containsEntry("topic", Topics.DISPATCH)
                .containsEntry("consumerGroup", bridgeProperty("kafka.group.id"))
                .containsEntry("offsetResetPolicy", bridgeProperty("kafka.auto.offset.reset"))
                // KEDA's operator runs in its own namespace: the Service's name must say which one
                .containsEntry("bootstrapServers", bootstrap("." + bridges.getMetadata().getNamespace() + ".svc"))
                .containsKey("lagThreshold");

        KafkaTopic dispatch = m.all(KafkaTopic.class).stream()
                .filter(t -> t.getMetadata().getName().equals(Topics.DISPATCH)).findFirst().orElseThrow();
        assertThat(scaling.maxReplicaCount()).as("a bridge beyond the partition count has no machines")
                .isLessThanOrEqualTo(dispatch.getSpec().getPartitions());
        PodDisruptionBudget budget = m.named(PodDisruptionBudget.class, "bridge-service").orElseThrow();
        assertThat(scaling.minReplicaCount()).as("a drain that takes maxUnavailable still leaves a bridge")
                .isGreaterThan(budget.getSpec().getMaxUnavailable().getIntVal());
    }

    @Test
    void imagesAreNamedByDigest() {
        for (String service : ManifestsTest.SERVICES) {
            assertThat(m.container(service).getImage()).as(service).matches("[a-z0-9./-]+/" + service + "@sha256:[0-9a-f]{64}");
        }
    }

    @Test
    void kedaObjectsMatchKedasSchema() {
        List<JsonNode> keda = Manifests.documents(Kubectl.kustomize(ManifestsTest.K8S.resolve("overlays/production"))).stream()
                .filter(o -> o.path("apiVersion").asText().startsWith("keda.sh/")).toList();
        assertThat(keda).extracting(o -> o.path("kind").asText()).containsExactly("ScaledObject");
        assertThat(KedaSchema.problems(keda)).isEmpty();
    }

    @Test
    void kedaSchemaRefusesWhatKedaWould() {
        List<JsonNode> wrong = Manifests.documents("""
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: no-triggers}
                spec: {scaleTargetRef: {name: d}}
                ---
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: number}
                spec: {scaleTargetRef: {name: d}, triggers: [{type: kafka, metadata: {lagThreshold: 20}}]}
                """);
        assertThat(KedaSchema.problems(wrong)).containsExactly(
                "ScaledObject no-triggers: /spec must have required property triggers",
                "ScaledObject number: /spec/triggers/0/metadata/lagThreshold must be string");
    }

    @Test
    void operatorKindsAreParsedStrictly() {
        assertThatThrownBy(() -> Manifests.parse("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 6, replica: 3}
                """)).hasMessageContaining("replica");
        assertThatThrownBy(() -> Manifests.parse("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec: {instances: 3, storage: {size: 1Gi}, bootstrap: {initdb: {database: d, ownr: o}}}
                """)).hasMessageContaining("ownr");
        assertThatThrownBy(() -> Manifests.parse("""
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: s}
                spec: {scaleTargetRef: {name: d}, triggers: [{type: kafka, metadata: {topic: t, lagThreshold: 20}}]}
                """)).as("trigger metadata must be strings").hasMessageContaining("lagThreshold");
        assertThatThrownBy(() -> Manifests.parse("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: k}
                """)).hasMessageContaining("no model");
    }

    private Kafka kafka() {
        return m.all(Kafka.class).getFirst();
    }

    /** The bootstrap address of the Kafka's plain listener, its Service's name followed by {@code suffix}. */
    private String bootstrap(String suffix) {
        GenericKafkaListener plain = kafka().getSpec().getKafka().getListeners().stream()
                .filter(l -> !l.isTls()).findFirst().orElseThrow(() -> new AssertionError("no plain listener"));
        return kafka().getMetadata().getName() + "-kafka-bootstrap" + suffix + ":" + plain.getPort();
    }

    private int nodes(ProcessRoles role) {
        return m.all(KafkaNodePool.class).stream().filter(p -> p.getSpec().getRoles().contains(role))
                .mapToInt(p -> p.getSpec().getReplicas()).sum();
    }

    private int minInSyncReplicas() {
        return ((Number) kafka().getSpec().getKafka().getConfig().get("min.insync.replicas")).intValue();
    }

    private Map<String, String> env(String service) {
        Container c = m.container(service);
        return m.literalEnv(c);
    }

    private static String bridgeProperty(String key) throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(ManifestsTest.ROOT.resolve("bridge-service/src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties.getProperty(key);
    }
}
