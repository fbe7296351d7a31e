package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;
import testbed.flash.Flasher;
import testbed.flash.ToolLocator;
import testbed.lab.VirtualLabFixture;
import testbed.lab.drivers.ConnectedLab;

/**
 * The one engine, through the real CLI: the dry-run plan starts the same runs on the same tentacles in the same order
 * as the session it plans (with and without firmware on the boards), and every file agrees on every status.
 */
@Timeout(300)
class EngineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PICO = List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE");
    private static final Pattern PLAN_ROW = Pattern.compile("^\\s+\\d+\\s+(\\d+:\\d\\d:\\d\\d)\\s+\\d+:\\d\\d:\\d\\d\\s+(\\S+@\\S+)", Pattern.MULTILINE);
    private static final Pattern STARTED = Pattern.compile("^\\s*[0-9.]+s (\\S+@\\S+): started", Pattern.MULTILINE);

    @TempDir
    Path dir;

    /** Two identical two-variant boards, as in the anchor's RPI_PICO2 pair; serials unique to this test. */
    private Path pico2Pair(Path at) throws Exception {
        return new VirtualLabFixture(at).board("vengn0000001-5e01", "RPI_PICO2", "RPI_PICO2", PICO, List.of("", "RISCV"), Map.of())
                .board("vengn0000002-5e02", "RPI_PICO2", "RPI_PICO2", PICO, List.of("", "RISCV"), Map.of()).writeLab();
    }

    /** The plan's runs in start order; {@code firstWave} gets those that start at once. */
    private static List<String> planned(Cli.Result plan, List<String> firstWave) {
        assertThat(plan.exitCode()).as(plan.out() + plan.err()).isZero();
        List<String> ids = new ArrayList<>();
        Matcher m = PLAN_ROW.matcher(plan.out());
        while (m.find()) {
            ids.add(m.group(2));
            if (m.group(1).equals("0:00:00")) {
                firstWave.add(m.group(2));
            }
        }
        return ids;
    }

    private static List<String> started(Cli.Result run) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        List<String> ids = new ArrayList<>();
        Matcher m = STARTED.matcher(run.out());
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private void planEqualsSession(Workspace ws, Path lab, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--lab", lab.toString(), "--firmware", "RPI_PICO2", "--only-test", "BUILTIN-TESTS_EXTMOD",
                "--only-test", "BUILTIN-PERFBENCH"));
        args.addAll(List.of(extra));
        List<String> dry = new ArrayList<>(args);
        dry.add("--dry-run");
        List<String> firstWave = new ArrayList<>();
        List<String> plan = planned(Cli.run(ws, dry.toArray(String[]::new)), firstWave);
        List<String> session = started(Cli.run(ws, args.toArray(String[]::new)));
        assertThat(plan).hasSize(4);
        assertThat(session).as("the same runs").containsExactlyInAnyOrderElementsOf(plan);
        if (List.of(extra).contains("1")) {
            // One at a time, every decision follows from the last: the whole order, tentacle by tentacle.
            assertThat(session).as("the same runs on the same tentacles in the same order").isEqualTo(plan);
        } else {
            // In parallel, what starts at once is decided before anything ends; after that, which tentacle frees first
            // depends on how the real durations differ from the estimates.
            assertThat(firstWave).hasSize(2);
            assertThat(session.subList(0, firstWave.size())).as("the first wave, on the same tentacles in the same order").isEqualTo(firstWave);
        }
    }

    @Test
    void thePlanStartsWhatTheSessionStartsOnBlankBoards() throws Exception {
        planEqualsSession(Cli.copyOfCheckout(dir.resolve("ws")), pico2Pair(dir.resolve("lab")));
        planEqualsSession(Cli.copyOfCheckout(dir.resolve("ws1")), pico2Pair(dir.resolve("lab1")), "-j", "1");
    }

    @Test
    void thePlanKnowsWhatTheBoardsCarry() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path lab = pico2Pair(dir.resolve("lab"));
        // RISCV on the first tentacle already: the session runs RISCV there and the default variant on the second.
        try (ConnectedLab connected = ConnectedLab.connect(testbed.config.LabLoader.load(lab), ws.settings())) {
            new Flasher(ToolLocator.onPath(ws.settings().path())).flash(VirtualLabFixture.dut(connected, "vengn0000001-5e01"),
                    ws.firmware().get(testbed.model.BoardVariant.parse("RPI_PICO2-RISCV")), dir.resolve("flash.txt"));
        }
        Cli.Result plan = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO2", "--only-test", "BUILTIN-TESTS_EXTMOD", "--dry-run");
        assertThat(plan.out()).contains("the lab's stored images").contains("5e01-RPI_PICO2 RPI_PICO2-RISCV")
                .containsPattern("BUILTIN-TESTS_EXTMOD@5e01-RPI_PICO2-RISCV +5e01-RPI_PICO2 +RPI_PICO2-RISCV\\s")
                .containsPattern("BUILTIN-TESTS_EXTMOD@5e02-RPI_PICO2 +5e02-RPI_PICO2 +RPI_PICO2 \\(flash\\)");
        planEqualsSession(ws, lab);
        planEqualsSession(ws, lab, "-j", "1");
    }

    @Test
    void runJsonSessionRecordsHistoryAndReportsAgreeOnEveryStatus() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        // A known failure on the pico (xfail), and a flaky test on the pico W that fails its first attempt only (seed 1).
        Path lab = new VirtualLabFixture(dir.resolve("lab"))
                .pico("vstat0000001-5701", Map.of("flaky", Map.of("test", "basics/flaky.py", "p", 1.0)))
                .board("vstat0000002-5702", "RPI_PICO_W", "RPI_PICO_W", PICO, List.of(""), Map.of("flaky", Map.of("test", "basics/flaky.py", "p", 0.5),
                        "seed", 1)).writeLab();
        Path xfail = dir.resolve("xfail.json");
        Files.writeString(xfail, """
                {"xfail": [{"group": "BUILTIN-TESTS_BASICS", "test": "basics/flaky.py", "board_variant": "RPI_PICO", "reason": "known"}]}""");
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--firmware", "RPI_PICO_W", "--only-test",
                "BUILTIN-TESTS_BASICS", "--count", "3", "--xfail", xfail.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("BUILTIN-TESTS_BASICS@5701-RPI_PICO", "xfailed");
        expected.put("BUILTIN-TESTS_BASICS@5702-RPI_PICO_W", "passed");
        Map<String, String> expectedAttempts = Map.of("BUILTIN-TESTS_BASICS@5701-RPI_PICO,a", "xfailed",
                "BUILTIN-TESTS_BASICS@5702-RPI_PICO_W,a", "failed", "BUILTIN-TESTS_BASICS@5702-RPI_PICO_W,b", "passed");

        // run.json: classified where the attempt ended; the known failure was not repeated by --count.
        Map<String, String> runJson = new TreeMap<>();
        for (String attempt : expectedAttempts.keySet()) {
            runJson.put(attempt, JSON.readTree(ws.resultsDir().resolve(attempt).resolve("run.json").toFile()).get("status").asText());
        }
        assertThat(runJson).isEqualTo(new TreeMap<>(expectedAttempts));
        assertThat(ws.resultsDir().resolve("BUILTIN-TESTS_BASICS@5701-RPI_PICO,b")).as("only known failures: no repeat").doesNotExist();

        // runs.jsonl and session.json
        Map<String, String> lines = new TreeMap<>();
        Map<String, String> lineAttempts = new TreeMap<>();
        for (String line : Files.readAllLines(ws.resultsDir().resolve("runs.jsonl"))) {
            JsonNode run = JSON.readTree(line);
            lines.put(run.get("testid").asText(), run.get("status").asText());
            run.get("attempts").forEach(a -> lineAttempts.put(a.get("directory").asText(), a.get("status").asText()));
        }
        assertThat(lines).isEqualTo(new TreeMap<>(expected));
        assertThat(lineAttempts).isEqualTo(new TreeMap<>(expectedAttempts));
        JsonNode session = JSON.readTree(ws.resultsDir().resolve("session.json").toFile());
        assertThat(session.get("run_counts").get("xfailed").asInt()).isEqualTo(1);
        assertThat(session.get("run_counts").get("passed").asInt()).isEqualTo(1);
        assertThat(session.get("verdict").asText()).isEqualTo("passed");

        // the history
        Map<String, String> history = new TreeMap<>();
        Map<String, String> historyAttempts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ws.stateDir().resolve("history.sqlite"));
                ResultSet runs = c.createStatement().executeQuery("SELECT testid, outcome FROM test_run")) {
            while (runs.next()) {
                history.put(runs.getString(1), runs.getString(2));
            }
            try (ResultSet attempts = c.createStatement().executeQuery("SELECT directory, status FROM attempt")) {
                while (attempts.next()) {
                    historyAttempts.put(attempts.getString(1), attempts.getString(2));
                }
            }
        }
        assertThat(history).isEqualTo(new TreeMap<>(expected));
        assertThat(historyAttempts).isEqualTo(new TreeMap<>(expectedAttempts));

        // the reports
        JsonNode summary = JSON.readTree(ws.resultsDir().resolve("summary.json").toFile());
        Map<String, String> reported = new TreeMap<>();
        summary.get("runs").forEach(run -> reported.put(run.get("testid").asText(), run.get("status").asText()));
        assertThat(reported).isEqualTo(new TreeMap<>(expected));
        String junit = Files.readString(ws.resultsDir().resolve("junit.xml"));
        expected.forEach((testid, status) -> assertThat(junit).contains("<property name=\"status " + testid + "\" value=\"" + status + "\"/>"));
    }
}
