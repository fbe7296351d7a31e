package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import testbed.config.Workspace;
import testbed.lab.VirtualLabFixture;

/**
 * "What did this commit change?" on a git repository made from v1.27.0's source: c1 and c2 change only the README, c3
 * makes {@code str.upper} lower-case in py/objstr.c (basics/string_upperlow.py fails), c4 changes the README again.
 * A unix board's firmware is built from each commit under test.
 */
class CompareBisectIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A few tests around the broken one, so each session is short. */
    private static final String TESTS = "RUN-TESTS_STANDARD=basics/string_s*.py,basics/string_u*.py";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void bisectNamesTheBreakingCommitAndCompareReportsExactlyItsRegressionConfirmed() throws Exception {
        MicroPythonSuiteIT.assumeSource();
        List<String> c = repository(dir.resolve("repo"));
        String repo = dir.resolve("repo").toString();
        Workspace ws = Cli.copyOfCheckout(dir);
        Path lab = new VirtualLabFixture(dir.resolve("lab")).unix("vunixbis-8a31").writeLab();
        Path results = dir.resolve("results");

        // The breaking commit against its parent: exactly that regression, confirmed by running it again (recorded in the history).
        Path cmp = dir.resolve("compare-break");
        Cli.Result r = Cli.run(ws, "compare", "--lab", lab.toString(), "--base", repo + "@" + c.get(2), "--head", repo + "@" + c.get(3), "--only-test",
                TESTS, "--results", cmp.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.TESTS_FAILED);
        System.out.println(r.out());
        JsonNode cj = JSON.readTree(cmp.resolve("compare.json").toFile());
        assertThat(cj.get("regressions")).hasSize(1);
        assertThat(cj.get("regressions").get(0).get("test").asText()).isEqualTo("basics/string_upperlow.py");
        assertThat(cj.get("regressions").get(0).get("column").asText()).isEqualTo("UNIX");
        assertThat(cj.get("regressions").get(0).get("confirmation").asText()).isEqualTo("confirmed");
        for (String list : List.of("fixed", "flaky", "only_base", "only_head", "skip_changed", "perf")) {
            assertThat(cj.get(list)).as(list).isEmpty();
        }
        assertThat(cj.get("tests_compared").asInt()).isGreaterThan(5);
        assertThat(Files.readString(cmp.resolve("compare.md"))).contains("1 confirmed regression").contains("`basics/string_upperlow.py`");
        String html = Files.readString(cmp.resolve("compare.html"));
        assertThat(html.substring(0, Math.min(html.length(), html.indexOf("Regressions") + 400))).contains("1 confirmed regression").contains("basics/string_upperlow.py");
        // Base and head ran at once on the one board, taking turns: their runs never overlap, and each tested its own image.
        JsonNode baseRun = RunIT.runs(cmp.resolve("base")).get(0).get("attempts").get(0);
        JsonNode headRun = RunIT.runs(cmp.resolve("head")).get(0).get("attempts").get(0);
        assertThat(baseRun.get("tentacle").asText()).isEqualTo(headRun.get("tentacle").asText()).isEqualTo("8a31-UNIX");
        java.time.Instant baseStart = java.time.Instant.parse(baseRun.get("time_start").asText());
        java.time.Instant headStart = java.time.Instant.parse(headRun.get("time_start").asText());
        java.time.Instant baseEnd = java.time.Instant.parse(baseRun.get("time_end").asText());
        java.time.Instant headEnd = java.time.Instant.parse(headRun.get("time_end").asText());
        assertThat(!baseStart.isBefore(headEnd) || !headStart.isBefore(baseEnd)).as("one board, one run at a time").isTrue();
        assertThat(baseRun.get("firmware").toString()).contains("g" + c.get(2).substring(0, 7));
        assertThat(headRun.get("firmware").toString()).contains("g" + c.get(3).substring(0, 7));
        JsonNode confirm = JSON.readTree(cmp.resolve("confirm/session.json").toFile());
        assertThat(confirm.toString()).contains("RUN-TESTS_STANDARD=basics/string_upperlow.py");

        // Four commits after good: git bisect needs two steps. The good half runs twice (a pass is repeated), the bad one is known.
        Cli.Result b = Cli.run(ws, "bisect", "--lab", lab.toString(), "--micropython", repo, "--good", c.get(0), "--bad", c.get(4), "--test",
                "basics/string_upperlow.py", "--board", "UNIX", "--results", results.toString());
        assertThat(b.exitCode()).as(b.out() + b.err()).isZero();
        System.out.println(b.out()); // the steps' wall times, for the record
        assertThat(b.out()).contains("first bad commit: " + c.get(3)).contains("break str.upper").contains("author: Breaker");
        JsonNode bisect = JSON.readTree(Files.list(results).filter(p -> p.getFileName().toString().startsWith("bisect-")).findFirst().orElseThrow()
                .resolve("bisect.json").toFile());
        assertThat(bisect.get("steps")).hasSize(2);
        assertThat(bisect.get("steps").get(0).get("commit").asText()).isEqualTo(c.get(2));
        assertThat(bisect.get("steps").get(0).get("verdict").asText()).isEqualTo("good");
        assertThat(bisect.get("steps").get(1).get("verdict").asText()).isEqualTo("bad");
        // The breaking commit failed the test in the compare's sessions: the history's outcomes are reused, not run again.
        assertThat(bisect.get("steps").get(1).get("why").asText()).startsWith("from the history: failed");
        assertThat(bisect.get("steps").get(1).get("reused").asBoolean()).isTrue();
        assertThat(bisect.get("first_bad").get("commit").asText()).isEqualTo(c.get(3));
        assertThat(bisect.get("firmware_from_source").asBoolean()).isTrue();

        // Again: the recorded steps are reused, nothing runs.
        Cli.Result again = Cli.run(ws, "bisect", "--lab", lab.toString(), "--micropython", repo, "--good", c.get(0), "--bad", c.get(4), "--test",
                "basics/string_upperlow.py", "--board", "UNIX", "--results", results.toString(), "--no-history");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("first bad commit: " + c.get(3)).doesNotContain("== step 1 (").contains("recorded before");

        // An unchanged pair (two README commits), twice: nothing to report, exit 0. The second time each side runs two
        // groups, and base and head take turns on the board (their firmware built by then, both are ready at once).
        for (int i = 0; i < 2; i++) {
            Path same = dir.resolve("compare-same-" + i);
            Cli.Result s = Cli.run(ws, "compare", "--lab", lab.toString(), "--base", repo + "@" + c.get(1), "--head", repo + "@" + c.get(2), "--only-test",
                    TESTS, "--results", same.toString(), "--no-history", "--only-test", i == 0 ? TESTS : TESTS.replace("STANDARD", "STANDARD_VIA_MPY"));
            assertThat(s.exitCode()).as(s.out() + s.err()).isZero();
            assertThat(s.out()).contains("compare: no change in");
            assertThat(Files.exists(same.resolve("confirm"))).isFalse();
            if (i == 1) {
                assertThat(turns(same)).as("the board's runs in order of start").containsExactlyInAnyOrder("base", "base", "head", "head")
                        .satisfies(t -> assertThat(t.get(0)).isNotEqualTo(t.get(1)), t -> assertThat(t.get(1)).isNotEqualTo(t.get(2)),
                                t -> assertThat(t.get(2)).isNotEqualTo(t.get(3)));
            }
        }

        // Recorded sessions compare the same way (no rerun possible: the regression stays unconfirmed, exit 0).
        Cli.Result rec = Cli.run(ws, "compare", cmp.resolve("base").toString(), cmp.resolve("head").toString(), "--results", dir.resolve("rec").toString());
        assertThat(rec.exitCode()).as(rec.out() + rec.err()).isZero();
        assertThat(rec.out()).contains("1 unconfirmed regression").contains("basics/string_upperlow.py");
    }

    /** Which side ran each attempt of a compare, in order of their start. */
    private static List<String> turns(Path compare) throws IOException {
        java.util.TreeMap<java.time.Instant, String> bySide = new java.util.TreeMap<>();
        for (String side : List.of("base", "head")) {
            for (JsonNode run : RunIT.runs(compare.resolve(side))) {
                for (JsonNode a : run.get("attempts")) {
                    bySide.put(java.time.Instant.parse(a.get("time_start").asText()), side);
                }
            }
        }
        return List.copyOf(bySide.values());
    }

    /** The repository: v1.27.0's source as c0, then the four commits; their hashes, oldest first. */
    private static List<String> repository(Path repo) throws IOException, InterruptedException {
        Files.createDirectories(repo);
        sh(repo, "tar -xJf '" + MicroPythonSuiteIT.TARBALL + "' --strip-components=1 && git init -q -b master . && git config user.email t@example.org"
                + " && git config user.name Tester && git add -A && git commit -qm 'v1.27.0' && git tag v1.27.0"
                + " && echo one >> README.md && git commit -qam 'readme one'"
                + " && echo two >> README.md && git commit -qam 'readme two'"
                + " && sed -i 's/return str_caseconv(unichar_toupper, self_in);/return str_caseconv(unichar_tolower, self_in);/' py/objstr.c"
                + " && git -c user.name=Breaker commit -qam 'break str.upper'"
                + " && echo three >> README.md && git commit -qam 'readme three'");
        String log = sh(repo, "git log --reverse --format=%H");
        List<String> hashes = new ArrayList<>(log.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        assertThat(hashes).hasSize(5);
        assertThat(sh(repo, "git show --stat HEAD~1")).contains("py/objstr.c");
        return hashes;
    }

    private static String sh(Path cwd, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
