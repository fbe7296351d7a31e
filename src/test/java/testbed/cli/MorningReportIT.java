package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;
import testbed.lab.VirtualLabFixture;

/** The first screen of the report answers "what changed since the last comparable session". */
@Timeout(240)
class MorningReportIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aRegressionBetweenTwoSessionsIsAtTheTopOfTheReport() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path good = new VirtualLabFixture(dir.resolve("good")).pico("vmrnr0000001-9e01", Map.of()).writeLab();
        // The same board with a fault that makes one test fail every time: a regression from one night to the next.
        Path bad = new VirtualLabFixture(dir.resolve("bad")).pico("vmrnr0000001-9e01", Map.of("flaky", Map.of("test", "basics/flaky.py", "p", 1.0)))
                .writeLab();
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        String[] run = {"run", "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_BASICS", "--notify", "cp -t " + inbox, "--lab"};
        Cli.Result first = Cli.run(ws, append(run, good.toString()));
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("notify: nothing changed");
        Cli.Result second = Cli.run(ws, append(run, bad.toString()));
        assertThat(second.exitCode()).as(second.out() + second.err()).isEqualTo(ExitCodes.TESTS_FAILED);
        assertThat(second.out()).contains("notify: sent");
        assertThat(inbox.resolve("summary.json")).as("the command got the summary").content().contains("basics/flaky.py");

        String html = Files.readString(ws.resultsDir().resolve("report.html"));
        int changes = html.indexOf("<h2 id=\"changes\">What changed</h2>");
        assertThat(changes).as("the report has a changes section").isPositive();
        assertThat(html.indexOf("<h2")).as("it is the first section").isEqualTo(changes);
        String section = html.substring(changes, html.indexOf("<h2", changes + 10));
        assertThat(section).contains("New failures (regressions) (1)").contains("basics/flaky.py").contains("RPI_PICO");

        JsonNode summary = JSON.readTree(ws.resultsDir().resolve("summary.json").toFile()).get("changes");
        assertThat(summary.get("regressions").toString()).contains("basics/flaky.py");
        assertThat(summary.get("since").asText()).isNotEmpty();
        assertThat(summary.get("anything").asBoolean()).isTrue();

        Cli.Result cli = Cli.run(ws, "history", "changes");
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("new failure").contains("basics/flaky.py on 9e01-RPI_PICO").contains("passed -> failed");
    }

    private static String[] append(String[] a, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(a));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
