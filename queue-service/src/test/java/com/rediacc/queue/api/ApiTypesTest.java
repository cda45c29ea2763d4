package com.rediacc.queue.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.rediacc.queue.bridge.BridgeResource;
import com.rediacc.queue.tasks.Task;
import com.rediacc.queue.tasks.TaskStatus;
import com.rediacc.queue.tasks.TaskView;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.sse.OutboundSseEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret can reach an API answer by a forgotten annotation: every type an endpoint answers with
 * (found from the resources' typed signatures, records followed into their components) has no field
 * named like a secret, and no endpoint answers with an untyped body the check could not see.
 */
class ApiTypesTest {
    /** Names of what must never be in an answer: fencing and attempt tokens, ciphertexts, key material, hashes. */
    private static final Set<String> SECRET_NAMES = Set.of("leaseToken", "attemptToken", "vaultCiphertext",
            "ciphertext", "credentialCiphertext", "tokenHash", "privateKey", "password", "secret", "plaintext");

    @Test
    void noAnswerOfTheApiHasAFieldNamedLikeASecret() throws Exception {
        List<String> problems = new ArrayList<>();
        Set<Class<?>> answered = new LinkedHashSet<>();
        for (Class<?> resource : resources()) {
            for (Method method : resource.getDeclaredMethods()) {
                if (!isEndpoint(method)) {
                    continue;
                }
                String where = resource.getSimpleName() + "." + method.getName();
                collect(method.getGenericReturnType(), answered, problems, where);
            }
        }
        for (Class<?> type : answered) {
            if (type.isRecord()) {
                for (RecordComponent component : type.getRecordComponents()) {
                    // a flag (a param declared "secret": true) holds no secret
                    boolean flag = component.getType() == boolean.class || component.getType() == Boolean.class;
                    if (SECRET_NAMES.contains(component.getName()) && !flag) {
                        problems.add(type.getName() + "." + component.getName() + " is answered by the API");
                    }
                }
            }
        }
        assertThat(answered).as("the check saw the task view, the cancel result and a batch's answer by id").contains(
                TaskView.class, com.rediacc.queue.tasks.CancelResult.class, com.rediacc.queue.tasks.TaskResource.TaskIdView.class);
        assertThat(problems).isEmpty();
    }

    /**
     * The bridge endpoints hand a bridge its lease and the ciphertexts it must decrypt (service token
     * only, docs/access.md). (POST /users answers a new user's {@code token} once, by design: not a
     * name listed above.)
     */
    private static boolean checked(Class<?> resource) {
        return resource != BridgeResource.class;
    }

    @Test
    void aTaskViewOfAFullyFilledTaskHoldsNoneOfItsSecrets() throws Exception {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        Task task = new Task(UUID.randomUUID(), "team", "m-01", "true", TaskStatus.PROCESSING, 3, 1, 1, 30,
                Task.RetryBackoff.FIXED, Task.FailureAction.NONE, "tag", true, 60, at, "key", UUID.randomUUID(), false,
                null, "out", false, null, null, 1, at, at, at, null, 424242L, 987654321L, "vault:v1:CIPHERTEXT-MARKER",
                "ATTEMPT-TOKEN-MARKER", null, null, null, null, null, null, null, false, null, false);
        String json = new ObjectMapper().registerModule(new JavaTimeModule()).writeValueAsString(TaskView.of(task));
        assertThat(json).doesNotContain("987654321").doesNotContain("CIPHERTEXT-MARKER")
                .doesNotContain("ATTEMPT-TOKEN-MARKER").doesNotContain("424242").contains("\"taskId\"");
    }

    private static boolean isEndpoint(Method method) {
        return method.isAnnotationPresent(GET.class) || method.isAnnotationPresent(POST.class)
                || method.isAnnotationPresent(PUT.class) || method.isAnnotationPresent(PATCH.class)
                || method.isAnnotationPresent(DELETE.class);
    }

    /** The project's classes that {@code type} names, followed into records; untyped bodies are problems. */
    private static void collect(Type type, Set<Class<?>> seen, List<String> problems, String where) {
        switch (type) {
            case ParameterizedType parameterized -> {
                collect(parameterized.getRawType(), seen, problems, where);
                for (Type argument : parameterized.getActualTypeArguments()) {
                    collect(argument, seen, problems, where);
                }
            }
            case WildcardType wildcard -> {
                for (Type bound : wildcard.getUpperBounds()) {
                    collect(bound, seen, problems, where);
                }
            }
            case Class<?> raw -> {
                if (raw == jakarta.ws.rs.core.Response.class || raw == Object.class) {
                    problems.add(where + " answers an untyped " + raw.getSimpleName() + ": type it (RestResponse<T>)");
                } else if (raw == OutboundSseEvent.class) {
                    // GET /events relays the events of docs/events.md, whose data is checked where it is built.
                    seen.add(raw);
                } else if (raw.getName().startsWith("com.rediacc.") && seen.add(raw) && raw.isRecord()) {
                    for (RecordComponent component : raw.getRecordComponents()) {
                        collect(component.getGenericType(), seen, problems, where);
                    }
                } else if (raw.isSealed()) {
                    // An answer that is one of several types (a batch's task, whole or by id): each of them.
                    for (Class<?> permitted : raw.getPermittedSubclasses()) {
                        collect(permitted, seen, problems, where);
                    }
                }
            }
            case TypeVariable<?> ignored -> {
                // A generic record's own parameter (Page<T>): its argument was followed where it was given.
            }
            default -> problems.add(where + " answers " + type + ", which this check cannot follow");
        }
    }

    /** Every JAX-RS resource of queue-service (classes annotated @Path), but the ones checked elsewhere. */
    private static Set<Class<?>> resources() throws IOException, ClassNotFoundException {
        java.nio.file.Path classes = java.nio.file.Path.of(TaskView.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Set<String> names = new TreeSet<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$"))
                    .forEach(f -> names.add(classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "")));
        }
        Set<Class<?>> resources = new LinkedHashSet<>();
        for (String name : names) {
            Class<?> type = Class.forName(name, false, ApiTypesTest.class.getClassLoader());
            if (type.isAnnotationPresent(Path.class) && !type.isInterface() && checked(type)) {
                resources.add(type);
            }
        }
        assertThat(resources).as("resources found").hasSizeGreaterThanOrEqualTo(10);
        return resources;
    }
}
