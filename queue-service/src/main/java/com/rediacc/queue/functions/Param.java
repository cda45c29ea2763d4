package com.rediacc.queue.functions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One declared parameter of a function. A non-secret param reaches the script as the environment
 * variable of its name, its value passed literally; a secret one only on the script's stdin.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Param(String name, Type type, Boolean required, @JsonProperty("default") JsonNode defaultValue,
                    Boolean secret, List<String> values, String description) {

    public enum Type {
        @JsonProperty("string") STRING,
        @JsonProperty("int") INT,
        @JsonProperty("bool") BOOL,
        @JsonProperty("enum") ENUM
    }

    public boolean isRequired() {
        return Boolean.TRUE.equals(required);
    }

    public boolean isSecret() {
        return Boolean.TRUE.equals(secret);
    }
}
