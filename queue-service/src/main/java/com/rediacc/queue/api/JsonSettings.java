package com.rediacc.queue.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The service's one ObjectMapper (REST bodies and outbox events) reads and writes properties
 * through Blackbird's generated lambdas instead of reflection: the reflective getter calls alone
 * were 3% of queue-service's CPU samples while it created tasks (a 201 carries all of a task's
 * fields, its event most of them). The ObjectMapper's settings are unchanged.
 */
@Singleton
public class JsonSettings implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new BlackbirdModule());
    }
}
