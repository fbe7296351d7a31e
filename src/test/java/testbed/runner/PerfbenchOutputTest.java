package testbed.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** run-perfbench.py's printout becomes measurements: time and score, each with its spread and the runner's N and M. */
class PerfbenchOutputTest {

    @Test
    void everyBenchmarkLineGivesItsTimeAndScoreWithTheirSpreads() {
        String out = """
                /usr/bin/python3 tests/run-perfbench.py --test-instance=port:/dev/pts/3 100 100
                N=100 M=100 n_average=8
                perf_bench/bm_chaos.py: 3024.62 7.4752 16623.58 7.4910
                perf_bench/viper_call0.py: skip
                perf_bench/core_qstr.py: 878.25 149.6746 9432.41 36.5554
                24 tests performed
                returncode=0
                """;
        List<Measurement> m = PerfbenchOutput.parse(out);
        assertThat(m).containsExactly(
                new Measurement("perf_bench/bm_chaos.py time", 3024.62, "us", 7.4752, "N=100 M=100"),
                new Measurement("perf_bench/bm_chaos.py score", 16623.58, "score", 7.4910, "N=100 M=100"),
                new Measurement("perf_bench/core_qstr.py time", 878.25, "us", 149.6746, "N=100 M=100"),
                new Measurement("perf_bench/core_qstr.py score", 9432.41, "score", 36.5554, "N=100 M=100"));
        assertThat(PerfbenchOutput.parse("Traceback (most recent call last):\n")).isEmpty();
    }
}
