package testbed.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The noise band of a benchmark series: a real change leaves it, the noise of an unchanged firmware does not. */
class StatsTest {

    @Test
    void aQuietBenchmarkThatGetsSlowerLeavesItsBand() {
        assertThat(Stats.changes(List.of(100.0, 101.0, 99.0, 100.0, 120.0), List.of(1.0, 1.0, 1.0, 1.0, 1.0))).containsExactly(4);
        assertThat(Stats.changes(List.of(100.0, 101.0, 99.0, 100.0, 102.0), List.of(1.0, 1.0, 1.0, 1.0, 1.0))).isEmpty();
    }

    @Test
    void aBenchmarkThatIsNoisyByNatureIsJudgedByItsOwnSpread() {
        // core_qstr-like: each point the mean of repeats that spread by 40 %; a 20 % move is noise, not news.
        assertThat(Stats.changes(List.of(100.0, 101.0, 99.0, 100.0, 120.0), List.of(40.0, 40.0, 40.0, 40.0, 40.0))).isEmpty();
        assertThat(Stats.band(List.of(100.0, 101.0, 99.0), List.of(40.0, 40.0, 40.0))).isEqualTo(120.0, org.assertj.core.data.Offset.offset(1e-6));
        // A build three times slower leaves even that band.
        assertThat(Stats.changes(List.of(100.0, 101.0, 99.0, 100.0, 300.0), List.of(40.0, 40.0, 40.0, 40.0, 40.0))).containsExactly(4);
    }
}
