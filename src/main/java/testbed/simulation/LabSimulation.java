package testbed.simulation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import testbed.bartender.FirmwareBartender;
import testbed.bartender.Leftover;
import testbed.bartender.RunOutcome;
import testbed.bartender.TestBartender;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.TestRun;

/**
 * A discrete-event simulation of a lab session: the real TestBartender and FirmwareBartender, driven by a simulated
 * clock and a DurationModel instead of boards. Gives the dry-run plan and the schedule benchmark.
 */
public final class LabSimulation {

    /** One simulated run; {@code flashes} counts the DUT and reference flashes it needed. */
    public record SimulatedRun(TestRun run, Instant start, Instant end, int flashes, RunOutcome outcome) {}

    public record SimulatedBuild(BoardVariant firmware, Instant start, Instant end) {}

    public record Result(
            List<SimulatedRun> runs,
            List<SimulatedBuild> builds,
            List<Leftover> leftovers,
            Instant start,
            Duration makespan,
            long[] decisionNanos) {

        public int flashes() {
            return runs.stream().mapToInt(SimulatedRun::flashes).sum();
        }
    }

    private sealed interface Event permits RunDone, BuildDone {
        Instant at();
    }

    private record RunDone(Instant at, long seq, SimulatedRun run) implements Event {}

    private record BuildDone(Instant at, long seq, Firmware firmware, Instant started) implements Event {}

    private LabSimulation() {}

    public static Result run(TestBartender bartender, FirmwareBartender firmware, DurationModel model, SimClock clock) {
        Instant start = clock.instant();
        PriorityQueue<Event> events = new PriorityQueue<>(Comparator.comparing(Event::at).thenComparingLong(LabSimulation::seq));
        List<SimulatedRun> runs = new ArrayList<>();
        List<SimulatedBuild> builds = new ArrayList<>();
        long seq = 0;
        long[] decisionNanos = new long[64];
        int decisions = 0;
        firmware.readyAtStart().forEach(bartender::firmwareReady);
        while (true) {
            Optional<Firmware> build = firmware.nextBuild(bartender.buildUrgencyMillis());
            if (build.isPresent()) {
                events.add(new BuildDone(clock.instant().plus(model.build(build.get())), seq++, build.get(), clock.instant()));
            }
            while (true) {
                long t0 = System.nanoTime();
                Optional<TestRun> next = bartender.next();
                if (decisions == decisionNanos.length) {
                    decisionNanos = java.util.Arrays.copyOf(decisionNanos, decisions * 2);
                }
                decisionNanos[decisions++] = System.nanoTime() - t0;
                if (next.isEmpty()) {
                    break;
                }
                TestRun run = next.get();
                int flashes = 0;
                Duration duration = model.test(run);
                if (run.dutNeedsFlash()) {
                    duration = duration.plus(model.flash(run.dut()));
                    flashes++;
                }
                if (run.referenceNeedsFlash()) {
                    duration = duration.plus(model.flash(run.reference().orElseThrow()));
                    flashes++;
                }
                Instant end = clock.instant().plus(duration);
                events.add(new RunDone(end, seq++, new SimulatedRun(run, clock.instant(), end, flashes, model.outcome(run))));
            }
            Event event = events.poll();
            if (event == null) {
                break;
            }
            clock.advanceTo(event.at());
            if (event instanceof RunDone done) {
                runs.add(done.run());
                bartender.completed(done.run().run(), done.run().outcome());
            } else if (event instanceof BuildDone done) {
                BoardVariant bv = done.firmware().boardVariant();
                builds.add(new SimulatedBuild(bv, done.started(), done.at()));
                firmware.built(bv, true);
                bartender.firmwareReady(bv);
            }
        }
        runs.sort(Comparator.comparing(SimulatedRun::start).thenComparing(r -> r.run().testid()));
        return new Result(runs, builds, bartender.leftovers(), start, Duration.between(start, clock.instant()),
                java.util.Arrays.copyOf(decisionNanos, decisions));
    }

    private static long seq(Event e) {
        return e instanceof RunDone r ? r.seq() : ((BuildDone) e).seq();
    }
}
