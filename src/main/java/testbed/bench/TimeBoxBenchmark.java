package testbed.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.bartender.BartenderConfig;
import testbed.bartender.Deadline;
import testbed.bartender.RunOutcome;
import testbed.bartender.SchedulingPolicy;
import testbed.engine.Bartenders;
import testbed.engine.Timeline;
import testbed.selection.Selection;
import testbed.simulation.SimClock;
import testbed.simulation.SimulatedLab;

/**
 * {@code bench schedule --budget 2h}: one lab session under a time box, scheduled by today's rule (start whatever the
 * ranking says; what is still running at the deadline plus the grace is cut) and by the deadline-aware bartender
 * (start only what fits, shortest first near the end). Counts the work items each finishes in time.
 */
public final class TimeBoxBenchmark {

    /** @param finished work items completed by the deadline plus the grace; {@code cut}: started, then cut at the end */
    public record Side(String rule, int finished, int started, int cut, int leftOver) {}

    public record Result(String lab, Duration budget, Duration grace, int workItems, Side todaysRule, Side deadlineAware) {

        public int gain() {
            return deadlineAware.finished() - todaysRule.finished();
        }
    }

    private TimeBoxBenchmark() {}

    public static Result run(LabModel lab, long seed, int count, int jobs, Duration budget, Duration grace) {
        Side today = side(lab, seed, count, jobs, budget, grace, false);
        Side aware = side(lab, seed, count, jobs, budget, grace, true);
        return new Result(lab.name(), budget, grace, lab.specs().size() == 0 ? 0 : workItems(lab, seed, count, jobs), today, aware);
    }

    private static Side side(LabModel lab, long seed, int count, int jobs, Duration budget, Duration grace, boolean deadlineAware) {
        ModelDurations model = new ModelDurations(lab, seed, count);
        SimClock clock = new SimClock(Instant.parse("2026-01-01T22:00:00Z"));
        Instant deadline = clock.instant().plus(budget);
        BartenderConfig config = new BartenderConfig(jobs, lab.referenceBoards(), 2, 2, false, false, SchedulingPolicy.TESTBED,
                deadlineAware ? Optional.of(new Deadline(deadline, "the deadline", Deadline.DEFAULT_SAFETY_FACTOR, Deadline.DEFAULT_FLASH_ALLOWANCE))
                        : Optional.empty());
        Selection selection = new Selection(lab.tentacles(), lab.referencePool(), lab.specs(), List.of());
        Bartenders bartenders = Bartenders.of(config, clock, model.estimator(), selection, lab.firmware());
        Timeline timeline = new Timeline(clock.instant());
        try {
            bartenders.engine(new SimulatedLab(clock, model), timeline).run(Map.of());
        } catch (InterruptedException e) {
            throw new IllegalStateException("a simulation never waits", e);
        }
        Instant hardStop = deadline.plus(grace);
        int finished = 0;
        int started = 0;
        int cut = 0;
        for (Timeline.Entry e : timeline.runs()) {
            if (!e.start().isBefore(hardStop)) {
                continue; // today's rule would not have got that far: the session ended at the hard stop
            }
            started++;
            boolean ok = !(e.outcome().orElseThrow() instanceof RunOutcome.InfraError);
            if (!e.end().orElseThrow().isAfter(hardStop)) {
                finished += ok ? 1 : 0;
            } else {
                cut++;
            }
        }
        int left = deadlineAware ? bartenders.tests().leftovers().size() : 0;
        return new Side(deadlineAware ? "deadline-aware" : "today's rule", finished, started, cut, left);
    }

    private static int workItems(LabModel lab, long seed, int count, int jobs) {
        ModelDurations model = new ModelDurations(lab, seed, count);
        BartenderConfig config = new BartenderConfig(jobs, lab.referenceBoards(), 2, 2, false, false, SchedulingPolicy.TESTBED);
        Selection selection = new Selection(lab.tentacles(), lab.referencePool(), lab.specs(), List.of());
        return Bartenders.of(config, new SimClock(Instant.EPOCH), model.estimator(), selection, lab.firmware()).tests().totalItems();
    }
}
