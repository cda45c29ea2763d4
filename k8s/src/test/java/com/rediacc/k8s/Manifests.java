package com.rediacc.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The objects of one rendering, each parsed strictly into its fabric8 Kubernetes model class. */
record Manifests(List<HasMetadata> objects) {

    /** The kinds these manifests may use, by apiVersion/kind; anything else is an error. */
    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("postgresql.cnpg.io/v1/Cluster", CnpgCluster.class),
            Map.entry("keda.sh/v1alpha1/ScaledObject", ScaledObject.class));

    private static final ObjectMapper YAML = strictMapper();

    /** Parses a multi-document YAML stream; throws IllegalArgumentException naming the first bad document. */
    static Manifests parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode document : documents(yaml)) {
            String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
            String name = type + " " + document.path("metadata").path("name").asText("(no name)");
            Class<? extends HasMetadata> model = MODELS.get(type);
            if (model == null) {
                throw new IllegalArgumentException(name + ": no model for " + type + " (known: " + MODELS.keySet() + ")");
            }
            try {
                objects.add(YAML.treeToValue(document, model));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }
        return new Manifests(List.copyOf(objects));
    }

    /** The documents of a multi-document YAML stream, empty ones left out. */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode document = it.nextValue();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    /**
     * fabric8's classes keep fields they do not know in an "additional properties" map (a Jackson
     * any-setter), so a misspelt field would parse silently. Without the any-setter Jackson fails on
     * it; without scalar coercion it fails on "8080" for a number or 8080 for a string, as the API
     * server does.
     */
    private static ObjectMapper strictMapper() {
        SimpleModule noAnySetter = new SimpleModule("no-any-setter");
        noAnySetter.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                         BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                return builder;
            }
        });
        ObjectMapper mapper = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(noAnySetter)
                .build();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    Deployment deployment(String name) {
        return named(Deployment.class, name).orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    /** The container named like its Deployment (each service's one container). */
    Container container(String deployment) {
        return deployment(deployment).getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(deployment)).findFirst()
                .orElseThrow(() -> new AssertionError("Deployment " + deployment + " has no container " + deployment));
    }

    /** A container's literal environment: its ConfigMaps (envFrom), then its own values over them. */
    Map<String, String> literalEnv(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : Checks.list(container.getEnvFrom())) {
            if (from.getConfigMapRef() != null) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                named(ConfigMap.class, from.getConfigMapRef().getName())
                        .ifPresent(map -> Checks.map(map.getData()).forEach((k, v) -> env.put(prefix + k, v)));
            }
        }
        for (EnvVar var : Checks.list(container.getEnv())) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            }
        }
        return env;
    }

    /** Every environment variable a container sets, literal or from a ConfigMap or Secret. */
    Set<String> envNames(Container container) {
        Set<String> names = new LinkedHashSet<>(literalEnv(container).keySet());
        for (EnvFromSource from : Checks.list(container.getEnvFrom())) {
            if (from.getSecretRef() != null) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                named(Secret.class, from.getSecretRef().getName())
                        .ifPresent(secret -> Checks.map(secret.getData()).keySet().forEach(k -> names.add(prefix + k)));
            }
        }
        Checks.list(container.getEnv()).forEach(var -> names.add(var.getName()));
        return names;
    }
}
