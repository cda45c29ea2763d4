package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrinterTest {
    private static final String ID = "3f1c2d4e-1111-2222-3333-444455556666";
    private static final List<Printer.Column> COLUMNS = List.of(
            Printer.Column.id("ID", "taskId"), Printer.Column.status("STATUS", "status"),
            Printer.Column.field("MACHINE", "machine"), Printer.Column.flex("COMMAND", n -> n.path("command").asText()));

    private static JsonNode page() throws Exception {
        return ApiClient.JSON.readTree("""
                {"items": [
                  {"taskId": "%s", "status": "COMPLETED", "machine": "prod-01",
                   "command": "systemctl restart app && journalctl -u app --since '1 minute ago' | tail -50"},
                  {"taskId": "%s", "status": "FAILED", "machine": "db-01", "command": "line one\\nline two"}],
                 "nextCursor": null}""".formatted(ID, ID.replace('3', '9')));
    }

    private static String print(Printer.Format format, boolean quiet, boolean colour, int width) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Printer printer = new Printer(new PrintStream(bytes, true, StandardCharsets.UTF_8), format, quiet, colour, width);
        JsonNode page = page();
        printer.list(page, page.path("items"), "taskId", COLUMNS, List.of());
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tablesFitTheWidthByCuttingTheCommandWithAnEllipsisAndNeverTheId() throws Exception {
        String table = print(Printer.Format.table, false, false, 80);
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        assertThat(lines.get(0)).startsWith("ID").contains("STATUS").contains("MACHINE").contains("COMMAND");
        assertThat(lines.get(1)).startsWith(ID + "  COMPLETED").endsWith("…");
        assertThat(lines.get(2)).contains("line one line two").doesNotContain("\n");
    }

    @Test
    void withoutAWidthNothingIsCut() throws Exception {
        String table = print(Printer.Format.table, false, false, 0);
        assertThat(table).contains("| tail -50").doesNotContain("…");
    }

    @Test
    void aVeryNarrowTerminalShrinksOtherColumnsButKeepsIds() throws Exception {
        String table = print(Printer.Format.table, false, false, 50);
        List<String> lines = table.lines().toList();
        assertThat(lines.get(1)).startsWith(ID + "  ");
        assertThat(lines.get(2)).startsWith(ID.replace('3', '9') + "  ");
        // ids (36) + STATUS, MACHINE at their header widths + COMMAND at its minimum 10 + gaps: 65.
        assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(65));
        assertThat(lines.get(1)).contains("  COMPL…  prod-01  systemctl…");
    }

    @Test
    void quietPrintsOnlyIds() throws Exception {
        assertThat(print(Printer.Format.table, true, false, 80)).isEqualTo(ID + "\n" + ID.replace('3', '9') + "\n");
    }

    @Test
    void jsonAndYamlPrintTheWholePage() throws Exception {
        JsonNode json = ApiClient.JSON.readTree(print(Printer.Format.json, false, false, 80));
        assertThat(json.path("items").get(0).path("taskId").asText()).isEqualTo(ID);
        String yaml = print(Printer.Format.yaml, false, false, 80);
        assertThat(yaml).contains("items:").contains("taskId: " + ID).doesNotContain("…");
    }

    @Test
    void coloursOnlyWhenEnabled() throws Exception {
        assertThat(print(Printer.Format.table, false, false, 0)).doesNotContain("\u001b[");
        String coloured = print(Printer.Format.table, false, true, 0);
        assertThat(coloured).contains("\u001b[32mCOMPLETED").contains("\u001b[31mFAILED");
    }

    @Test
    void agesAreShortAndDurationsParse() {
        assertThat(Printer.duration(java.time.Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(Printer.duration(java.time.Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Printer.duration(java.time.Duration.ofHours(5))).isEqualTo("5h");
        assertThat(Durations.seconds("90")).isEqualTo(90);
        assertThat(Durations.seconds("1h30m")).isEqualTo(5400);
        assertThat(Durations.seconds("2d")).isEqualTo(172800);
    }
}
