package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;
import testbed.lab.VirtualLabFixture;

/**
 * --health-every: an idle tentacle that stops answering is quarantined before it eats a run, and taken back when it
 * answers again; one whose device vanishes is set aside as unplugged until it is back.
 */
@Timeout(240)
class HealthIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = "vhlth0000001-c001";
    private static final String B = "vhlth0000002-c002";

    @TempDir
    Path dir;

    /** Two identical picos that both carry the firmware; B gets the fault, and with -j 1 it waits idle while A tests. */
    private Cli.Result session(Map<String, Object> faultOnB) throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Path clean = new VirtualLabFixture(dir.resolve("clean")).pico(A, Map.of()).pico(B, Map.of()).writeLab();
        assertThat(Cli.run(ws, "flash", "--lab", clean.toString(), "--firmware", "RPI_PICO").exitCode()).isZero();
        Path lab = new VirtualLabFixture(dir.resolve("lab")).pico(A, Map.of()).pico(B, faultOnB).writeLab();
        Cli.Result r = Cli.run(ws, "run", "--lab", lab.toString(), "--firmware", "RPI_PICO", "--only-test", "BUILTIN-TESTS_BASICS", "--only-test",
                "BUILTIN-TESTS_EXTMOD", "-j", "1", "--health-every", "1s", "--no-history");
        this.ws = ws;
        return r;
    }

    private Workspace ws;

    @Test
    void anIdleBoardThatHangsIsQuarantinedBeforeItEatsARun() throws Exception {
        Cli.Result r = session(Map.of("hang", Map.of("after_s", 1)));

        assertThat(r.out()).contains("health: " + B + " does not answer: quarantined");
        assertThat(r.exitCode()).as("a quarantined board needs attention: " + r.out() + r.err()).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(RunIT.runs(ws.resultsDir())).hasSize(2).allSatisfy(run -> {
            assertThat(run.get("status").asText()).isEqualTo("passed");
            assertThat(run.get("testid").asText()).as("every run on the healthy board").contains("@c001-");
        });
        JsonNode session = JSON.readTree(ws.resultsDir().resolve("session.json").toFile());
        assertThat(session.get("quarantined").toString()).contains(B);
    }

    @Test
    void anIdleBoardThatVanishesIsSetAsideAndTakenBackWhenItReturns() throws Exception {
        Cli.Result r = session(Map.of("disconnect", Map.of("after_s", 0.5, "back_after_s", 1.5)));

        // Its device going away is seen before any probe: it is unplugged, not a board that fails to answer.
        assertThat(r.out()).contains("unplugged: " + B).contains("plugged in: " + B).doesNotContain("quarantined");
        JsonNode session = JSON.readTree(ws.resultsDir().resolve("session.json").toFile());
        assertThat(session.get("quarantined").size()).as("taken back").isZero();
        assertThat(RunIT.runs(ws.resultsDir())).hasSize(2).allSatisfy(run -> assertThat(run.get("status").asText()).isEqualTo("passed"));
    }
}
