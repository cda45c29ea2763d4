package com.rediacc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Prints results as a table fitted to the terminal, as JSON or as YAML; {@code --quiet} prints only
 * ids. Colours (ANSI) only when enabled (stdout is a TTY and NO_COLOR is unset).
 */
final class Printer {
    enum Format { table, wide, json, yaml }

    /** How a column gives way when the table is wider than the terminal. */
    enum Fit {
        /** never cut (ids: a cut id is useless) */
        KEEP,
        /** cut first, down to 10 characters (commands, details) */
        FLEX,
        /** cut last, down to its header's width */
        SHRINK
    }

    record Column(String header, Function<JsonNode, String> value, Fit fit, boolean coloured) {
        static Column of(String header, Function<JsonNode, String> value) {
            return new Column(header, value, Fit.SHRINK, false);
        }

        static Column field(String header, String field) {
            return of(header, node -> text(node.get(field)));
        }

        static Column id(String header, String field) {
            return new Column(header, node -> text(node.get(field)), Fit.KEEP, false);
        }

        static Column flex(String header, Function<JsonNode, String> value) {
            return new Column(header, value, Fit.FLEX, false);
        }

        static Column status(String header, String field) {
            return new Column(header, node -> text(node.get(field)), Fit.SHRINK, true);
        }
    }

    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    final Format format;
    final boolean quiet;
    final boolean colour;
    final int width;
    private final PrintStream out;

    Printer(PrintStream out, Format format, boolean quiet, boolean colour, int width) {
        this.out = out;
        this.format = format;
        this.quiet = quiet;
        this.colour = colour;
        this.width = width;
    }

    boolean structured() {
        return format == Format.json || format == Format.yaml;
    }

    /** A list: ids only when quiet, JSON/YAML of the whole page, or a table. */
    void list(JsonNode page, JsonNode items, String idField, List<Column> columns, List<Column> wideColumns) {
        if (quiet) {
            items.forEach(item -> out.println(text(item.get(idField))));
            return;
        }
        if (structured()) {
            document(page);
            return;
        }
        List<Column> all = new ArrayList<>(columns);
        if (format == Format.wide) {
            all.addAll(wideColumns);
        }
        table(all, items);
    }

    /** One resource: its id when quiet, JSON/YAML, or "Key: value" lines. */
    void object(JsonNode node, String idField, List<String[]> fields) {
        if (quiet) {
            out.println(text(node.get(idField)));
            return;
        }
        if (structured()) {
            document(node);
            return;
        }
        keyValues(fields);
    }

    void keyValues(List<String[]> fields) {
        int keyWidth = fields.stream().mapToInt(f -> f[0].length()).max().orElse(0) + 1;
        for (String[] field : fields) {
            if (field[1] == null) {
                continue;
            }
            String key = pad(field[0] + ":", keyWidth + 1);
            out.println(bold(key) + field[1]);
        }
    }

    void document(JsonNode node) {
        try {
            if (format == Format.yaml) {
                out.print(YAML.writeValueAsString(node));
            } else {
                out.println(ApiClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void table(List<Column> columns, JsonNode items) {
        List<List<String>> rows = new ArrayList<>();
        items.forEach(item -> {
            List<String> row = new ArrayList<>();
            for (Column column : columns) {
                row.add(column.value().apply(item));
            }
            rows.add(row);
        });
        if (rows.isEmpty()) {
            return;
        }
        for (String line : render(columns, rows, width, colour)) {
            out.println(line);
        }
    }

    /** The lines of a table: widths fitted to {@code maxWidth} (0 = no limit), long cells cut with "…". */
    static List<String> render(List<Column> columns, List<List<String>> rows, int maxWidth, boolean colour) {
        int n = columns.size();
        int[] widths = new int[n];
        for (int c = 0; c < n; c++) {
            widths[c] = columns.get(c).header().length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], clean(row.get(c)).length());
            }
        }
        fit(columns, widths, maxWidth);
        List<String> lines = new ArrayList<>();
        List<String> header = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            header.add(columns.get(c).header());
        }
        lines.add(line(columns, header, widths, colour, true));
        for (List<String> row : rows) {
            lines.add(line(columns, row, widths, colour, false));
        }
        return lines;
    }

    static final int GAP = 2;

    private static void fit(List<Column> columns, int[] widths, int maxWidth) {
        if (maxWidth <= 0) {
            return;
        }
        int total = GAP * (widths.length - 1);
        for (int w : widths) {
            total += w;
        }
        for (Fit pass : List.of(Fit.FLEX, Fit.SHRINK)) {
            while (total > maxWidth) {
                int widest = -1;
                for (int c = 0; c < widths.length; c++) {
                    Column column = columns.get(c);
                    int min = pass == Fit.FLEX ? 10 : Math.max(3, column.header().length());
                    if (column.fit() == pass && widths[c] > min && (widest < 0 || widths[c] > widths[widest])) {
                        widest = c;
                    }
                }
                if (widest < 0) {
                    break;
                }
                widths[widest]--;
                total--;
            }
        }
    }

    private static String line(List<Column> columns, List<String> cells, int[] widths, boolean colour, boolean header) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cut(clean(cells.get(c)), widths[c]);
            boolean last = c == cells.size() - 1;
            String padded = last ? cell : pad(cell, widths[c]);
            if (colour && header) {
                padded = "\u001b[1m" + padded + "\u001b[0m";
            } else if (colour && columns.get(c).coloured()) {
                padded = colourOf(cell, padded);
            }
            line.append(padded);
            if (!last) {
                line.append(" ".repeat(GAP));
            }
        }
        return stripTrailing(line);
    }

    private static String stripTrailing(StringBuilder line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        return line.substring(0, end);
    }

    /** Cells are one line: newlines and tabs become spaces. */
    static String clean(String cell) {
        if (cell == null) {
            return "";
        }
        return cell.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }

    static String cut(String text, int width) {
        if (text.length() <= width) {
            return text;
        }
        return width <= 1 ? "…" : text.substring(0, width - 1) + "…";
    }

    static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** Status words in colour: green done, red failed, yellow running, grey cancelled. */
    static String colourOf(String word, String text) {
        String code = switch (word) {
            case "COMPLETED", "CANCELLED_OK", "ok", "OK", "SUCCESS", "SUCCEEDED", "LIVE" -> "32";
            case "FAILED", "NOT_FOUND", "ERROR", "DENIED", "paused", "FAILURE", "MISSED", "STOPPED", "failed", "QUIET" -> "31";
            case "PROCESSING", "ASSIGNED", "CANCEL_REQUESTED", "RUNNING" -> "33";
            case "PENDING", "SCHEDULED", "HELD" -> "36";
            case "CANCELLED", "ALREADY_TERMINAL", "SKIPPED" -> "90";
            default -> null;
        };
        return code == null ? text : "\u001b[" + code + "m" + text + "\u001b[0m";
    }

    String status(String word) {
        return colour && word != null ? colourOf(word, word) : word;
    }

    String bold(String text) {
        return colour ? "\u001b[1m" + text + "\u001b[0m" : text;
    }

    static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? "" : node.isTextual() ? node.asText() : node.toString();
    }

    /** A field's text, or null when absent (a null value leaves a "Key: value" line out). */
    static String opt(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    /** "5s", "3m", "2h", "4d" since an ISO-8601 instant; "" when absent. */
    static String age(JsonNode instant, Instant now) {
        if (instant == null || !instant.isTextual()) {
            return "";
        }
        try {
            return duration(Duration.between(Instant.parse(instant.asText()), now));
        } catch (DateTimeParseException e) {
            return instant.asText();
        }
    }

    static String duration(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return seconds / 60 + "m";
        }
        if (seconds < 172800) {
            return seconds / 3600 + "h";
        }
        return seconds / 86400 + "d";
    }
}
