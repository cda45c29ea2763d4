package com.rediacc.k8s;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;

import java.util.List;
import java.util.Map;

/**
 * KEDA's ScaledObject (keda.sh/v1alpha1), the fields these manifests use, as KEDA's reference describes
 * them; the HPA behavior is Kubernetes' own model. A trigger's metadata is a map of strings: the strict
 * parser (Manifests) refuses a number or boolean there, as KEDA's admission webhook does.
 */
@Group("keda.sh")
@Version("v1alpha1")
@Kind("ScaledObject")
public class ScaledObject extends CustomResource<ScaledObject.Spec, Void> implements Namespaced {

    public record Spec(Target scaleTargetRef, Integer minReplicaCount, Integer maxReplicaCount,
                       Integer pollingInterval, Integer cooldownPeriod, Advanced advanced, List<Trigger> triggers) {
    }

    public record Target(String name, String kind, String apiVersion) {
    }

    public record Advanced(HpaConfig horizontalPodAutoscalerConfig) {
    }

    public record HpaConfig(String name, HorizontalPodAutoscalerBehavior behavior) {
    }

    public record Trigger(String type, String name, Map<String, String> metadata) {
    }
}
