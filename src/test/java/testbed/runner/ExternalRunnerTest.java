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
}
