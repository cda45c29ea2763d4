package com.rediacc.k8s;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * CloudNativePG's Cluster (postgresql.cnpg.io/v1), only the fields these manifests use, as CloudNativePG's
 * API reference describes them. No schema or model of it can be had offline here (Go module proxy and
 * GitHub are unreachable, nothing on Maven Central or npm): a field that is not modelled is an error, so
 * a new one is looked up and added here, not passed unchecked.
 */
@Group("postgresql.cnpg.io")
@Version("v1")
@Kind("Cluster")
public class CnpgCluster extends CustomResource<CnpgCluster.Spec, Void> implements Namespaced {

    /** The Secret CloudNativePG makes with the application user's credentials. */
    String appSecret() {
        return getMetadata().getName() + "-app";
    }

    /** The Service that always points at the primary. */
    String readWriteService() {
        return getMetadata().getName() + "-rw";
    }

    public record Spec(int instances, Storage storage, Bootstrap bootstrap) {
    }

    public record Storage(String size, String storageClass) {
    }

    public record Bootstrap(InitDb initdb) {
    }

    public record InitDb(String database, String owner) {
    }
}
