package com.rediacc.queue.bridge;

import com.rediacc.queue.TestSupport;
import com.rediacc.queue.bridges.DispatchPartitions;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static com.rediacc.queue.TestSupport.bridge;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** POST /api/v1/bridge/ready-machines: what a bridge just given dispatch partitions looks at, on the real PostgreSQL. */
@QuarkusTest
class ReadyMachinesTest {
    private static final int PARTITIONS = 6;

    @Test
    void listsTheMachinesWithReadyWorkOnTheAskedPartitionsOnly() {
        String ready = TestSupport.registerMachine(1);
        String idle = TestSupport.registerMachine(1);
        TestSupport.createTask(ready, "true", 3);
        int partition = DispatchPartitions.of(ready, PARTITIONS);
        List<Integer> others = IntStream.range(0, PARTITIONS).filter(p -> p != partition).boxed().toList();

        ask(List.of(partition)).then().statusCode(200).body("$", hasItem(ready)).body("$", not(hasItem(idle)));
        ask(others).then().statusCode(200).body("$", not(hasItem(ready)));
    }

    @Test
    void refusesPartitionsOutsideTheTopic() {
        ask(List.of(PARTITIONS)).then().statusCode(400).body("detail", containsString("partitions"));
        bridge().body(Map.of("partitions", List.of(0), "partitionCount", 0)).post("/api/v1/bridge/ready-machines")
                .then().statusCode(400).body("detail", containsString("partitionCount"));
    }

    private static io.restassured.response.Response ask(List<Integer> partitions) {
        return bridge().body(Map.of("partitions", partitions, "partitionCount", PARTITIONS))
                .post("/api/v1/bridge/ready-machines");
    }
}
