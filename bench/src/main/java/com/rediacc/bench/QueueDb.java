package com.rediacc.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A JDBC connection to the queue database, on loopback only, with the PG* variables bench/lib.sh sets. */
final class QueueDb {
    private QueueDb() {
    }

    static Connection connect(int socketTimeoutSeconds) throws SQLException {
        String host = System.getenv().getOrDefault("PGHOST", "127.0.0.1");
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            throw new IllegalArgumentException("the benchmark only talks to loopback addresses, not PGHOST=" + host);
        }
        String url = "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + Bench.env("PGPORT") + "/"
                + Cpu.QUEUE_DB + "?connectTimeout=5&socketTimeout=" + socketTimeoutSeconds;
        return DriverManager.getConnection(url, Bench.env("PGUSER"), Bench.env("PGPASSWORD"));
    }
}
