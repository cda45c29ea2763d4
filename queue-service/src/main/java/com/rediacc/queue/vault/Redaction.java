package com.rediacc.queue.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The shape of a secret document with every leaf value replaced by {@value #MASK}. */
public final class Redaction {
    public static final String MASK = "[encrypted]";

    private Redaction() {
    }

    public static JsonNode shape(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isObject()) {
            ObjectNode masked = JsonNodeFactory.instance.objectNode();
            value.properties().forEach(field -> masked.set(field.getKey(), shape(field.getValue())));
            return masked;
        }
        if (value.isArray()) {
            ArrayNode masked = JsonNodeFactory.instance.arrayNode();
            value.forEach(item -> masked.add(shape(item)));
            return masked;
        }
        return JsonNodeFactory.instance.textNode(MASK);
    }
}
