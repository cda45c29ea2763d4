package com.rediacc.vault.keys;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.rediacc.vault.VaultTestSupport.KEYS;
import static com.rediacc.vault.VaultTestSupport.b64;
import static com.rediacc.vault.VaultTestSupport.decrypt;
import static com.rediacc.vault.VaultTestSupport.queue;
import static com.rediacc.vault.VaultTestSupport.team;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Concurrent first encrypts create one key; concurrent rotations hand out distinct versions. */
@QuarkusTest
class TeamKeysConcurrencyTest {
    @Test
    void concurrentFirstEncryptsShareVersionOne() throws Exception {
        String team = team();
        List<Map<String, Object>> results = parallel(16, i -> () -> queue()
                .body(Map.of("context", "task:" + i, "plaintext", b64("secret " + i)))
                .post(KEYS + team + "/encrypt").then().statusCode(200).extract().<Map<String, Object>>path("$"));
        queue().get("/api/v1/vault/audit?team=" + team).then().statusCode(200)
                .body("items.action", org.hamcrest.Matchers.contains("CREATE_KEY"));
        for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i).get("keyVersion")).isEqualTo(1);
            assertThat(decrypt(team, "task:" + i, (String) results.get(i).get("ciphertext"))).isEqualTo("secret " + i);
        }
        queue().get(KEYS + team).then().statusCode(200).body("latestVersion", equalTo(1));
    }

    @Test
    void concurrentRotationsGetDistinctVersions() throws Exception {
        String team = team();
        queue().body(Map.of("context", "c", "plaintext", b64("x"))).post(KEYS + team + "/encrypt").then().statusCode(200);
        List<Integer> latest = parallel(8, i -> () -> queue().post(KEYS + team + "/rotate")
                .then().statusCode(200).extract().<Integer>path("latestVersion"));
        Set<Integer> distinct = new HashSet<>(latest);
        assertThat(distinct).hasSize(8);
        queue().get(KEYS + team).then().statusCode(200).body("latestVersion", equalTo(9))
                .body("versions.size()", equalTo(9));
    }

    private static <T> List<T> parallel(int n, java.util.function.IntFunction<Callable<T>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(task.apply(i)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
