package testbed.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.bartender.BartenderConfig;
import testbed.bartender.DurationEstimator;
import testbed.bartender.Leftover;
import testbed.bartender.TestBartender;
import testbed.model.BoardVariant;
import testbed.model.Connection;
import testbed.model.Fut;
import testbed.model.Programmer;
import testbed.model.Role;
import testbed.model.RunnerSpec;
import testbed.model.Status;
import testbed.model.Tentacle;
import testbed.model.TestRunSpec;
import testbed.model.WorkKey;
import testbed.results.RunReport;

/** A results folder read back: today's records as written, an old testbed's as it wrote them, and killed runs counted right. */
class SessionFilesTest {

    @TempDir
    Path dir;

    /** What testbed wrote before runs carried their kind, role and board-variant ("variant" was the board-variant there). */
    private void oldFolder(Path d) throws Exception {
        Files.createDirectories(d);
        Files.writeString(d.resolve("session.json"), """
                {"session_id": "20261101-100000-1", "lab": "virtual", "lab_file": "labs/virtual.json", "host": "h", "user": "u", "trigger": "manual",
                 "command_line": ["testbed", "run", "--firmware", "RPI_PICO2"], "firmware": ["RPI_PICO2"], "firmware_versions": {},
                 "tests_ref": "builtin", "time_start": "2026-11-01T10:00:00Z", "time_end": "", "duration_s": 60, "status": "running",
                 "verdict": "", "leftovers": [], "quarantined": [], "dispatch_latency_ms": {"samples": 0, "median": 0, "p99": 0, "max": 0},
                 "builds": [], "run_counts": {}, "runs_file": "runs.jsonl"}""");
        String testid = "BUILTIN-MULTITESTS@2a01-RPI_PICO2-RISCV-instance0";
        Files.writeString(d.resolve("runs.jsonl"), "{\"testid\": \"" + testid + "\", \"testgroup\": \"BUILTIN-MULTITESTS\", \"tentacles\": "
                + "[\"2a01-RPI_PICO2\", \"3b01-RPI_PICO_W\"], \"variant\": \"RPI_PICO2-RISCV\", \"status\": \"passed\", \"time_start\": "
                + "\"2026-11-01T10:00:01Z\", \"duration_s\": 3.5, \"attempts\": [{\"attempt\": \"a\", \"directory\": \"" + testid + ",a\", "
                + "\"status\": \"passed\", \"counts\": {}}]}\n");
        Path attempt = Files.createDirectories(d.resolve(testid + ",a"));
        Files.writeString(attempt.resolve("run.json"), "{\"testid\": \"" + testid + "\", \"attempt\": \"a\", \"directory\": \"" + testid + ",a\", "
                + "\"testgroup\": \"BUILTIN-MULTITESTS\", \"tentacle\": \"2a01-RPI_PICO2\", \"serial\": \"vlab0000pico-2a01\", \"board\": \"RPI_PICO2\", "
                + "\"variant\": \"RISCV\", \"role\": \"instance0\", \"reference\": \"3b01-RPI_PICO_W\", \"firmware\": {}, \"flashed\": [], "
                + "\"runner\": \"builtin-multitest\", \"time_start\": \"2026-11-01T10:00:01Z\", \"time_end\": \"2026-11-01T10:00:04Z\", "
                + "\"duration_s\": 3.5, \"status\": \"passed\", \"error_kind\": \"\", \"error\": \"\", \"counts\": {}, \"tests\": [], \"measurements\": []}");
    }

    @Test
    void anOldResultsFolderIsReadWithTypedKindRoleAndBoardVariant() throws Exception {
        oldFolder(dir);
        SessionRecord s = SessionFiles.read(dir);
        assertThat(s.status()).isEqualTo(SessionState.RUNNING);
        assertThat(s.verdict()).as("none yet").isNull();
        assertThat(s.request()).as("not recorded then").isNull();
        assertThat(s.runs()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("RPI_PICO2");
            assertThat(r.boardVariant()).isEqualTo(BoardVariant.parse("RPI_PICO2-RISCV"));
            assertThat(r.role()).isEqualTo(Role.INSTANCE0);
            assertThat(r.key()).isEqualTo(new WorkKey("BUILTIN-MULTITESTS", "RPI_PICO2", BoardVariant.parse("RPI_PICO2-RISCV"), Role.INSTANCE0));
            assertThat(r.attempts().get(0).kind()).isEqualTo("RPI_PICO2");
            assertThat(r.attempts().get(0).boardVariant()).isEqualTo(r.boardVariant());
        });
    }

    @Test
    void todaysRecordsSurviveTheRoundTripAndSayWhatTheyAre() throws Exception {
        oldFolder(dir.resolve("old"));
        SessionRecord old = SessionFiles.read(dir.resolve("old"));
        Path now = Files.createDirectories(dir.resolve("now"));
        SessionFiles files = new SessionFiles(testbed.results.RecordSink.directory(now));
        SessionRecord.Run run = old.runs().get(0);
        Files.createDirectories(now.resolve(run.attempts().get(0).directory()));
        testbed.results.AtomicJson.write(now.resolve(run.attempts().get(0).directory()).resolve("run.json"), run.attempts().get(0));
        files.appendRun(run);
        files.writeSummary(old.ended(SessionState.COMPLETED, Verdict.PASSED, "2026-11-01T10:01:00Z", 60));
        String line = Files.readString(now.resolve("runs.jsonl"));
        assertThat(line).contains("\"kind\":\"RPI_PICO2\"", "\"board_variant\":\"RPI_PICO2-RISCV\"", "\"role\":\"instance0\"").doesNotContain("\"variant\"");
        SessionRecord back = SessionFiles.read(now);
        assertThat(back.runs()).containsExactly(run);
        assertThat(back.status()).isEqualTo(SessionState.COMPLETED);
        assertThat(back.verdict()).isEqualTo(Verdict.PASSED);
    }

    @Test
    void aRunCutOffTwiceIsCountedTwiceAndNotTriedAThirdTime() throws Exception {
        oldFolder(dir);
        // Killed twice while the same run went: attempts b and c of one testid, both never finished, no runs.jsonl line.
        String testid = "BUILTIN-TESTS_BASICS@2a01-RPI_PICO2";
        for (String letter : List.of("b", "c")) {
            Path a = Files.createDirectories(dir.resolve(testid + "," + letter));
            Files.writeString(a.resolve("run.json"), "{\"testid\": \"" + testid + "\", \"attempt\": \"" + letter + "\", \"directory\": \"" + testid + ","
                    + letter + "\", \"testgroup\": \"BUILTIN-TESTS_BASICS\", \"tentacle\": \"2a01-RPI_PICO2\", \"kind\": \"RPI_PICO2\", "
                    + "\"serial\": \"vlab0000pico-2a01\", \"board\": \"RPI_PICO2\", \"variant\": \"\", \"role\": \"single\", \"reference\": \"\", "
                    + "\"firmware\": {}, \"flashed\": [], \"runner\": \"builtin-tests\", \"time_start\": \"2026-11-01T10:0" + (letter.equals("b") ? 1 : 2)
                    + ":00Z\", \"time_end\": \"\", \"duration_s\": 0, \"status\": \"never finished\", \"error_kind\": \"\", "
                    + "\"error\": \"Test never finished...\", \"counts\": {}, \"tests\": [], \"measurements\": []}");
        }
        SessionRecord s = SessionFiles.read(dir);
        assertThat(s.runs()).filteredOn(r -> r.testid().equals(testid)).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.NEVER_FINISHED));

        Tentacle pico2 = new Tentacle("vlab0000pico-2a01", "RPI_PICO2", "RPI_PICO2", "rp2", Set.of(Fut.FUT_MCU_ONLY), List.of(""),
                new Programmer("virtual", List.of()), 0, Map.of(), new Connection("virtual", Map.of()));
        TestRunSpec basics = new TestRunSpec("BUILTIN-TESTS_BASICS", "", new RunnerSpec.BuiltinTests("basics", 10), Fut.FUT_MCU_ONLY, false, 60, 0,
                OptionalDouble.of(10), Path.of("b.json"));
        TestBartender b = new TestBartender(BartenderConfig.defaults(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), DurationEstimator.fromSpecs(),
                List.of(pico2), List.of(pico2), List.of(basics), Set.of(BoardVariant.parse("RPI_PICO2")));
        List<String> said = new ArrayList<>();
        Resume.into(b, s, new SessionListener() {
            @Override
            public void started(String lab, int tentacles, int workItems, String resultsDir) {
            }

            @Override
            public void message(String text) {
                said.add(text);
            }

            @Override
            public void runStarted(testbed.model.TestRun run, Progress progress) {
            }

            @Override
            public void runFinished(RunReport report, Progress progress) {
            }

            @Override
            public void finished(SessionRecord record, List<Leftover> leftovers) {
            }
        });
        assertThat(said).singleElement().satisfies(m -> assertThat(m).contains("1 cut off twice and not tried again"));
        assertThat(b.openItems()).isZero();
        assertThat(b.leftovers()).singleElement().satisfies(l -> assertThat(l.detail()).contains("cut off twice"));
        assertThat(Optional.ofNullable(s.request())).isEmpty();
    }
}
