package testbed.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.compare.Comparison;
import testbed.compare.Comparison.Confirmation;
import testbed.compare.Comparison.PerfChange;
import testbed.compare.Comparison.TestChange;

class CompareReportTest {

    @TempDir
    Path dir;

    private static Comparison comparison() {
        TestChange regression = new TestChange("RUN-TESTS_STANDARD", "UNIX", "basics/string_upperlow.py", "passed", "failed; rerun: failed, failed",
                "differs\n--- expected\n+++ actual <b>", "RUN-TESTS_STANDARD@8a01-UNIX,a", Confirmation.CONFIRMED);
        TestChange flaky = new TestChange("RUN-TESTS_STANDARD", "UNIX", "thread/stress|x.py", "passed", "failed; rerun: passed", "", "", null);
        PerfChange slower = new PerfChange("UNIX", "perf_bench/bm_chaos.py", "us", 1000, 1400, 40, 1.7, true);
        return new Comparison("s-base", "s-head", "v1.27.0 from repo@c2", "v1.27.0-3 from repo@c3", List.of(regression), List.of(), List.of(flaky),
                List.of(), List.of(), List.of(), List.of(slower), List.of(), 12);
    }

    @Test
    void theReportsLeadWithTheVerdictAndTheRegressions() throws Exception {
        Path head = Files.createDirectories(dir.resolve("head"));
        CompareReport.write(dir, comparison(), Optional.of(dir.resolve("base")), Optional.of(head));

        String md = Files.readString(dir.resolve("compare.md"));
        assertThat(md).startsWith("### testbed compare: 1 confirmed regression, 1 benchmark worse, 1 flaky (12 tests compared)");
        assertThat(md).contains("| UNIX | RUN-TESTS_STANDARD | `basics/string_upperlow.py` | passed | failed; rerun: failed, failed | confirmed | differs |");
        assertThat(md).as("a | in a cell does not break the table").contains("`thread/stress\\|x.py`");
        assertThat(md).contains("| UNIX | `perf_bench/bm_chaos.py` us | 1000.00 | 1400.00 | +40.0% (±1.7%) worse |");

        String html = Files.readString(dir.resolve("compare.html"));
        assertThat(html.indexOf("1 confirmed regression")).isLessThan(html.indexOf("Regressions (1)")).isLessThan(html.indexOf("Flaky (1)"));
        assertThat(html).contains("<a href=\"head/RUN-TESTS_STANDARD@8a01-UNIX,a/\">basics/string_upperlow.py</a>")
                .contains("+++ actual &lt;b&gt;").doesNotContain("<b>");
        assertThat(Files.readString(dir.resolve("compare.json"))).contains("\"confirmation\" : \"confirmed\"").contains("\"tests_compared\" : 12");
    }
}
