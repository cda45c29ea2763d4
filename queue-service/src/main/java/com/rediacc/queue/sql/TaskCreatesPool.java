package com.rediacc.queue.sql;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Creates the pool of the datasource {@value #NAME}, on which tasks are created
 * (TaskCreateBatcher): configured as the default one (application.properties), with its statements
 * kept prepared the same way, and with {@code plan_cache_mode = force_generic_plan} for its sessions.
 *
 * <p>Why: PostgreSQL plans a prepared statement's first five executions for their parameters, then
 * keeps planning each execution anew if those plans were cheaper than a generic one. With a few
 * tasks per batch, the first executions of create-tasks.sql are all cheaper than its generic plan
 * (which assumes ten rows an array), so a connection that met a quiet start planned that statement of
 * six CTEs on every execution, for good: measured, custom plans on 12 of 12 executions of single
 * creates, and 29% of PostgreSQL's CPU planning under load. The generic plan is the right one at
 * every batch size: each array is read once, and each machine found by its primary key.
 */
@ApplicationScoped
@ReactiveDataSource(TaskCreatesPool.NAME)
public class TaskCreatesPool extends StatementCachingPool {
    public static final String NAME = "task-creates";
}
