package com.rediacc.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One browser tab of the web console, as bench/console opens it: signs in with the form (POST
 * /sign-in with the token and the page's Origin, as the browser posts it; the answer's 303 sets the
 * session cookie), loads its page for the CSRF token of the {@code <meta>} tag (what sign-out needs),
 * and opens the page's one stream (GET /api/v1/console/stream with the query the page's script
 * builds: overview.js {@code ?team=}, tasks.js the list's filter and {@code view=tasks}). A reader
 * thread counts the stream's bytes (the SSE text, after HTTP chunking), its {@code tick} messages and
 * the task ids they name ({@code changed}). Its own HttpClient, so that closing the tab closes its
 * connection, and the server ends the tab's subscription, as a closed browser tab does.
 */
final class ConsoleTab implements AutoCloseable {
    private static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");
    private static final JsonFactory JSON = new JsonFactory();

    private final String base;
    private final String page;
    private final String streamQuery;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private String cookie;
    private String csrf;
    private InputStream body;
    private Thread reader;

    final AtomicLong messages = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    /** Task ids named by the messages' {@code changed} lists. */
    final AtomicLong changedIds = new AtomicLong();
    /** Rows sent in the messages' {@code tasks} lists (a task list tab). */
    final AtomicLong rows = new AtomicLong();
    /** Messages that said {@code reload} (more than 500 tasks changed in one tick). */
    final AtomicLong reloads = new AtomicLong();
    final AtomicLong keepAlives = new AtomicLong();
    volatile long firstMessageNanos;
    volatile String error;
    private volatile boolean closing;

    /** {@code page}: the page's path and query ("/?team=x", "/tasks?machine=y"); {@code streamQuery}: what its script streams. */
    private ConsoleTab(String base, String page, String streamQuery) {
        this.base = base;
        this.page = page;
        this.streamQuery = streamQuery;
    }

    /** Signs in, loads the page, opens its stream; fails with the step that did not work. */
    static ConsoleTab open(String base, String token, String page, String streamQuery) throws IOException, InterruptedException {
        ConsoleTab tab = new ConsoleTab(base, page, streamQuery);
        try {
            tab.signIn(token);
            tab.loadPage();
            tab.openStream();
            return tab;
        } catch (IOException | InterruptedException | RuntimeException e) {
            tab.close();
            throw e;
        }
    }

    String describe() {
        return page + " (stream ?" + streamQuery + ")";
    }

    private void signIn(String token) throws IOException, InterruptedException {
        String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&next=" + URLEncoder.encode(page, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/sign-in")).timeout(QueueApi.TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        String set = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("rediacc_session=")).findFirst().orElse(null);
        if (r.statusCode() != 303 || set == null) {
            throw new IllegalStateException("sign-in: HTTP " + r.statusCode() + " " + (set == null ? "without a session cookie" : "")
                    + ": " + QueueApi.abbreviate(r.body()));
        }
        cookie = set.substring(0, set.indexOf(';') < 0 ? set.length() : set.indexOf(';'));
    }

    private void loadPage() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + page)).timeout(QueueApi.TIMEOUT)
                .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = CSRF.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("page " + page + ": HTTP " + r.statusCode() + ", no CSRF meta tag");
        }
        csrf = m.group(1);
    }

    private void openStream() throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/console/stream?" + streamQuery))
                .header("Cookie", cookie).header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        body = r.body();
        if (r.statusCode() != 200) {
            String problem = new String(body.readNBytes(2000), StandardCharsets.UTF_8);
            throw new IllegalStateException("stream ?" + streamQuery + ": HTTP " + r.statusCode() + ": " + QueueApi.abbreviate(problem));
        }
        reader = Thread.ofPlatform().daemon().name("console-tab").start(this::read);
    }

    /** Reads the stream line by line: {@code event: tick} then its {@code data:} line (JSON); {@code :} lines are comments. */
    private void read() {
        byte[] buffer = new byte[16384];
        ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
        boolean tick = false;
        try {
            int n;
            while ((n = body.read(buffer)) > 0) {
                bytes.addAndGet(n);
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != '\n') {
                        continue;
                    }
                    line.write(buffer, start, i - start);
                    start = i + 1;
                    tick = line(line.toByteArray(), tick);
                    line.reset();
                }
                line.write(buffer, start, n - start);
            }
            if (!closing) {
                error = "the stream ended";
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                error = e.toString();
            }
        }
    }

    /** One SSE line (without its \n); returns whether the next data line is a tick's. */
    private boolean line(byte[] text, boolean tick) {
        int length = text.length > 0 && text[text.length - 1] == '\r' ? text.length - 1 : text.length;
        if (length == 0) {
            return false; // end of an event
        }
        if (text[0] == ':') {
            keepAlives.incrementAndGet();
            return tick;
        }
        String head = new String(text, 0, Math.min(length, 12), StandardCharsets.UTF_8);
        if (head.startsWith("event:")) {
            return new String(text, 6, length - 6, StandardCharsets.UTF_8).strip().equals("tick");
        }
        if (head.startsWith("data:") && tick) {
            int from = text.length > 5 && text[5] == ' ' ? 6 : 5;
            message(text, from, length - from);
        }
        return tick;
    }

    /** Counts a tick's ids and rows with a streaming parser (the bench's CPU is measured too). */
    private void message(byte[] text, int offset, int length) {
        if (messages.incrementAndGet() == 1) {
            firstMessageNanos = System.nanoTime();
        }
        try (JsonParser p = JSON.createParser(text, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (("changed".equals(field) || "tasks".equals(field)) && value == JsonToken.START_ARRAY) {
                    long count = 0;
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                        count++;
                        p.skipChildren();
                    }
                    ("changed".equals(field) ? changedIds : rows).addAndGet(count);
                } else if ("reload".equals(field) && value == JsonToken.VALUE_TRUE) {
                    reloads.incrementAndGet();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            error = "a tick that is not JSON: " + e.getMessage();
        }
    }

    /** Closes the stream (its connection), then signs out with the page's CSRF token; returns the sign-out's status (303), or -1. */
    int closeAndSignOut() {
        closing = true;
        closeStream();
        int status = -1;
        if (cookie != null && csrf != null) {
            try {
                status = http.send(HttpRequest.newBuilder(URI.create(base + "/sign-out")).timeout(QueueApi.TIMEOUT)
                        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base).header("Cookie", cookie)
                        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cookie = null;
        }
        http.shutdownNow();
        return status;
    }

    private void closeStream() {
        closing = true;
        if (body != null) {
            try {
                body.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        }
        if (reader != null) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        closeAndSignOut();
    }
}
