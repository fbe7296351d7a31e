package testbed.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.bartender.RunOutcome;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.TestRun;
import testbed.results.RunReport;

/**
 * The session as it happened on the backend's clock: every run in start order with its end, every build. The dry-run
 * plan prints it, the schedule benchmark measures it, and tests compare a plan's with a real session's.
 */
public final class Timeline implements EngineListener {

    /** {@code flashes}: how many of its boards the run had to flash when it started (DUT and reference). */
    public record Entry(TestRun run, Instant start, Optional<Instant> end, int flashes, Optional<RunOutcome> outcome) {}

    public record Build(BoardVariant firmware, Instant start, Instant end, boolean ok) {}

    private final Instant start;
    private final List<Entry> runs = new ArrayList<>();
    private final Map<TestRun, Integer> index = new java.util.IdentityHashMap<>(); // a requeued run may equal an earlier one
    private final Map<BoardVariant, Instant> building = new HashMap<>();
    private final List<Build> builds = new ArrayList<>();
    private Instant last;

    public Timeline(Instant start) {
        this.start = start;
        this.last = start;
    }

    @Override
    public void runStarted(TestRun run, Instant at) {
        int flashes = (run.dutNeedsFlash() ? 1 : 0) + (run.referenceNeedsFlash() ? 1 : 0);
        index.put(run, runs.size());
        runs.add(new Entry(run, at, Optional.empty(), flashes, Optional.empty()));
        last = max(last, at);
    }

    @Override
    public void runFinished(RunReport report, Instant at) {
        ended(report, at);
    }

    @Override
    public void runBusy(RunReport report) {
        Integer i = index.remove(report.run());
        if (i != null) {
            runs.set(i, null); // it never ran: another session held a tentacle
        }
    }

    private void ended(RunReport report, Instant at) {
        Integer i = index.remove(report.run());
        if (i != null) {
            Entry e = runs.get(i);
            runs.set(i, new Entry(e.run(), e.start(), Optional.of(at), e.flashes(), Optional.of(report.outcome())));
        }
        last = max(last, at);
    }

    @Override
    public void buildStarted(Firmware firmware, Instant at) {
        building.put(firmware.boardVariant(), at);
    }

    @Override
    public void buildFinished(Firmware firmware, Optional<String> problem, Instant at) {
        Instant s = building.remove(firmware.boardVariant());
        builds.add(new Build(firmware.boardVariant(), s == null ? at : s, at, problem.isEmpty()));
        last = max(last, at);
    }

    public Instant start() {
        return start;
    }

    /** The runs in the order they started (runs that found their tentacles busy are left out). */
    public List<Entry> runs() {
        return runs.stream().filter(java.util.Objects::nonNull).toList();
    }

    public List<Build> builds() {
        return List.copyOf(builds);
    }

    public int flashes() {
        return runs().stream().mapToInt(Entry::flashes).sum();
    }

    /** From the start to the last thing that ended. */
    public Duration makespan() {
        return Duration.between(start, last);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
