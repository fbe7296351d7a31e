package testbed.simulation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import testbed.bartender.RunOutcome;
import testbed.engine.EngineEvent;
import testbed.engine.LabBackend;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Status;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.results.AttemptRecord;
import testbed.results.RunReport;

/**
 * A lab that exists only on a simulated clock: a run takes what the {@link DurationModel} says (plus a flash per
 * board that needs one), a build likewise; events come out in time order and move the clock. Drives the same
 * {@link testbed.engine.SessionEngine} as the real lab, for the dry-run plan and the schedule benchmark.
 */
public final class SimulatedLab implements LabBackend {

    private record Pending(Instant at, long seq, EngineEvent event) {}

    private final SimClock clock;
    private final DurationModel model;
    private final PriorityQueue<Pending> pending = new PriorityQueue<>(Comparator.comparing(Pending::at).thenComparingLong(Pending::seq));
    private long seq;

    public SimulatedLab(SimClock clock, DurationModel model) {
        this.clock = clock;
        this.model = model;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void startRun(TestRun run) {
        Duration flashing = Duration.ZERO;
        if (run.dutNeedsFlash()) {
            flashing = flashing.plus(model.flash(run.dut()));
        }
        if (run.referenceNeedsFlash()) {
            flashing = flashing.plus(model.flash(run.reference().orElseThrow()));
        }
        Instant start = clock.instant();
        Instant end = start.plus(flashing).plus(model.test(run));
        if (!flashing.isZero()) {
            schedule(start.plus(flashing), new EngineEvent.RunPrepared(run.testid(), 0));
        }
        RunOutcome outcome = model.outcome(run);
        // After a run its boards carry what it flashed; after a lab error nobody knows.
        Map<String, Optional<BoardVariant>> carried = new HashMap<>();
        boolean ok = !(outcome instanceof RunOutcome.InfraError);
        carried.put(run.dut().serial(), ok ? Optional.of(run.dutFirmware()) : Optional.empty());
        run.reference().ifPresent(r -> carried.put(r.serial(), ok ? run.referenceFirmware() : Optional.empty()));
        RunReport report = new RunReport(run, outcome, List.of(attempt(run, outcome, start, end)), carried);
        schedule(end, new EngineEvent.RunFinished(report, 0));
    }

    @Override
    public void startBuild(Firmware firmware) {
        schedule(clock.instant().plus(model.build(firmware)), new EngineEvent.BuildFinished(firmware, Optional.empty(), 0));
    }

    @Override
    public Optional<EngineEvent> awaitEvent() {
        Pending next = pending.poll();
        if (next == null) {
            return Optional.empty();
        }
        clock.advanceTo(next.at());
        long now = System.nanoTime();
        if (next.event() instanceof EngineEvent.RunFinished r) {
            return Optional.of(new EngineEvent.RunFinished(r.report(), now));
        }
        if (next.event() instanceof EngineEvent.RunPrepared p) {
            return Optional.of(new EngineEvent.RunPrepared(p.testid(), now));
        }
        EngineEvent.BuildFinished b = (EngineEvent.BuildFinished) next.event();
        return Optional.of(new EngineEvent.BuildFinished(b.firmware(), b.problem(), now));
    }

    /** No other session shares a simulated lab. */
    @Override
    public boolean isFreeElsewhere(String serial) {
        return true;
    }

    private void schedule(Instant at, EngineEvent event) {
        pending.add(new Pending(at, seq++, event));
    }

    /** The one attempt a simulated run makes, shaped like a real run.json (without test results). */
    private static AttemptRecord attempt(TestRun run, RunOutcome outcome, Instant start, Instant end) {
        Status status;
        String kind = "";
        if (outcome instanceof RunOutcome.InfraError e) {
            status = e.kind() == RunOutcome.InfraErrorKind.TIMEOUT ? Status.TIMEOUT : Status.ERROR;
            kind = e.kind().name().toLowerCase();
        } else {
            status = outcome instanceof RunOutcome.Ran r && r.testsFailed() ? Status.FAILED : Status.PASSED;
        }
        List<String> flashed = new ArrayList<>();
        if (run.dutNeedsFlash()) {
            flashed.add(run.dut().label());
        }
        if (run.referenceNeedsFlash()) {
            run.reference().map(Tentacle::label).ifPresent(flashed::add);
        }
        return new AttemptRecord(run.testid(), "a", run.testid() + ",a", run.spec().label(), run.dut().label(), run.dut().tag(), run.dut().serial(),
                run.dut().board(), run.variant(), run.role(), run.reference().map(Tentacle::label).orElse(""), Map.of(),
                flashed, run.spec().runner().kind(), start.toString(), end.toString(), Duration.between(start, end).toMillis() / 1000.0, status,
                kind, "", AttemptRecord.countsOf(List.of()), List.of(), List.of());
    }
}
