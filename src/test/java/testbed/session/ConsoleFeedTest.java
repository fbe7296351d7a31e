package testbed.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import testbed.bartender.BartenderConfig;
import testbed.bartender.DurationEstimator;
import testbed.bartender.Leftover;
import testbed.bartender.RunOutcome;
import testbed.bartender.TestBartender;
import testbed.model.BoardVariant;
import testbed.model.Connection;
import testbed.model.Fut;
import testbed.model.Programmer;
import testbed.model.RunnerSpec;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;
import testbed.results.RunReport;

/** The console's counters: "started (n/N)" counts each start once, 1 to N, whatever came back busy on the way. */
class ConsoleFeedTest {

    private static Tentacle pico(String serial) {
        return new Tentacle(serial, "RPI_PICO", "RPI_PICO", "rp2", Set.of(Fut.FUT_MCU_ONLY), List.of(""), new Programmer("virtual", List.of()), 0,
                Map.of(), new Connection("virtual", Map.of()));
    }

    private static TestRunSpec group(String label) {
        return new TestRunSpec(label, "", new RunnerSpec.BuiltinTests("basics", 10), Fut.FUT_MCU_ONLY, false, 60, 0, OptionalDouble.of(10),
                Path.of(label + ".json"));
    }

    @Test
    void startsAreCountedOnceEachAndTheLastOneIsNofN() {
        List<Tentacle> boards = List.of(pico("a-0001"), pico("b-0002"));
        List<TestRunSpec> groups = List.of(group("A"), group("B"), group("C"), group("D"));
        TestBartender b = new TestBartender(BartenderConfig.defaults(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), DurationEstimator.fromSpecs(),
                boards, boards, groups, Set.of(BoardVariant.parse("RPI_PICO")));
        b.firmwareReady(BoardVariant.parse("RPI_PICO"));
        List<SessionListener.Progress> starts = new ArrayList<>();
        List<SessionListener.Progress> written = new ArrayList<>();
        ConsoleFeed feed = new ConsoleFeed(new SessionListener() {
            @Override
            public void started(String lab, int tentacles, int workItems, String resultsDir) {
            }

            @Override
            public void message(String text) {
            }

            @Override
            public void runStarted(TestRun run, Progress progress) {
                starts.add(progress);
            }

            @Override
            public void runFinished(RunReport report, Progress progress) {
            }

            @Override
            public void finished(SessionRecord record, List<Leftover> leftovers) {
            }
        }, b, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), 0, (p, at) -> written.add(p));
        boolean busyOnce = true;
        while (b.openItems() > 0 || b.isRunning()) {
            for (var next = b.next(); next.isPresent(); next = b.next()) {
                feed.runStarted(next.get(), Instant.EPOCH);
            }
            TestRun first = b.runningRuns().get(0);
            RunReport report = busyOnce ? new RunReport(first, new RunOutcome.Busy(Set.of(first.dut().serial())), List.of(), Map.of())
                    : new RunReport(first, new RunOutcome.Ran(false), List.of(), Map.of());
            b.completed(first, report.outcome());
            if (busyOnce) {
                feed.runBusy(report);
                b.tentacleAvailable(first.dut().serial());
                busyOnce = false;
            } else {
                feed.runFinished(report, Instant.EPOCH);
            }
        }
        assertThat(starts).extracting(SessionListener.Progress::started).as("the busy start is taken back").containsExactly(1, 2, 2, 3, 4);
        assertThat(starts.get(starts.size() - 1).total()).isEqualTo(4);
        assertThat(written).as("progress.json gets what the console gets, at each start and end").hasSize(starts.size() + 4).containsAll(starts); // 5 starts (one busy), 4 ends
    }
}
