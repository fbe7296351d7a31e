package testbed.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's own words: its last line (past testbed's transcript), and every outcome of its _results.json. */
class ExternalRunnerTest {

    @TempDir
    Path dir;

    @Test
    void theLastLineIsTheToolsNotTheTranscripts() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExternalRunner.Tail tail = new ExternalRunner.Tail(log);
        String text = "cd /x\nplatform=webassembly\nCannot run tests: the target does not support dynamic modules\nreturncode=1\nduration=0.412s\n";
        tail.write(text.getBytes(StandardCharsets.UTF_8));
        assertThat(tail.lastLine()).isEqualTo("Cannot run tests: the target does not support dynamic modules");
        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo(text);

        ExternalRunner.Tail big = new ExternalRunner.Tail(new ByteArrayOutputStream());
        for (int i = 0; i < 5000; i++) {
            big.write(("pass  test" + i + ".py\n").getBytes(StandardCharsets.UTF_8));
        }
        big.write("ModuleNotFoundError: No module named 'serial'\nreturncode=1\n".getBytes(StandardCharsets.UTF_8));
        assertThat(big.lastLine()).isEqualTo("ModuleNotFoundError: No module named 'serial'");
    }

    @Test
    void ignoredIsItsOwnOutcomeAndNotAFailure() throws Exception {
        Path results = dir.resolve("_results.json");
        Files.writeString(results, "{\"results\": [[\"basics/a.py\", \"pass\", \"\"], [\"thread/b.py\", \"ignored\", \"flaky\"],"
                + " [\"extmod/c.py\", \"skip\", \"\"], [\"d.py\", \"fail\", \"\"]]}");
        var tests = ResultsJson.parse(results);
        assertThat(tests).extracting(TestResult::outcome).containsExactly(Outcome.PASSED, Outcome.IGNORED, Outcome.SKIPPED, Outcome.FAILED);
        assertThat(Outcome.IGNORED.isFailure()).isFalse();
        assertThat(Outcome.IGNORED.label()).isEqualTo("ignored");
    }

    @Test
    void aListedFlakyTestsFailureIsIgnoredWithTheReasonOnItsPlatformOnly() throws Exception {
        Path specs = Files.createDirectories(dir.resolve("testrunspecs/flaky"));
        Files.writeString(specs.resolve("known-flaky.json"), """
                {"flaky": [{"test": "^extmod/time_ms_us\\\\.py$", "platform": "webassembly", "reason": "1 ms clock"},
                           {"test": "^thread/stress_schedule\\\\.py$", "reason": "load"}]}
                """);
        testbed.results.KnownFlaky flaky = testbed.results.KnownFlaky.load(dir.resolve("testrunspecs"));
        var tests = java.util.List.of(new TestResult("extmod/time_ms_us.py", Outcome.FAILED, 0, ""),
                new TestResult("thread/stress_schedule.py", Outcome.FAILED, 0, ""), new TestResult("thread/stress_schedule2.py", Outcome.FAILED, 0, ""),
                new TestResult("basics/a.py", Outcome.PASSED, 0, ""));
        assertThat(flaky.apply(tests, () -> "webassembly")).extracting(t -> t.name() + "=" + t.outcome().label()).containsExactly(
                "extmod/time_ms_us.py=ignored", "thread/stress_schedule.py=ignored", "thread/stress_schedule2.py=failed", "basics/a.py=passed");
        assertThat(flaky.apply(tests, () -> "rp2").get(0).outcome()).as("a real board's us clock: a failure").isEqualTo(Outcome.FAILED);
        assertThat(flaky.apply(tests, () -> "rp2").get(1).reason()).isEqualTo("known flaky: load");
        assertThat(testbed.results.KnownFlaky.load(dir.resolve("elsewhere")).entries()).isEmpty();
    }

    @Test
    void testNamesTakeTheRunnersCanonicalForm() {
        Path tests = Path.of("/src/micropython/tests");
        var named = ExternalRunner.canonical(java.util.List.of(new TestResult("/src/micropython/tests/multi_net/tcp_data.py", Outcome.PASSED, 0, ""),
                new TestResult("./basics/a.py", Outcome.PASSED, 0, ""), new TestResult("extmod\\b.py", Outcome.PASSED, 0, ""),
                new TestResult("/elsewhere/x.py", Outcome.PASSED, 0, "")), java.util.Optional.of(tests));
        assertThat(named).extracting(TestResult::name).containsExactly("multi_net/tcp_data.py", "basics/a.py", "extmod/b.py", "/elsewhere/x.py");
    }
}
