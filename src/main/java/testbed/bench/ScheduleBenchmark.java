package testbed.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import testbed.bartender.BartenderConfig;
import testbed.bartender.RunOutcome;
import testbed.bartender.SchedulingPolicy;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.engine.Bartenders;
import testbed.engine.EngineListener;
import testbed.engine.SessionEngine;
import testbed.engine.Timeline;
import testbed.results.RecordSink;
import testbed.selection.Selection;
import testbed.session.SessionFiles;
import testbed.session.SessionRecords;
import testbed.simulation.SimClock;
import testbed.simulation.SimulatedLab;

/**
 * {@code testbed bench schedule}: a whole lab session simulated with the real TestBartender and FirmwareBartender
 * on a simulated clock, measured against a lower bound on the makespan.
 *
 * <p>The bound is the largest of: the longest single chain (the builds its firmware needs, one flash, the run), the
 * work of each board kind spread over its tentacles after its first firmware can exist, the work that must pass
 * through the reference pool spread over the pool, and all builds in a row followed by the shortest run that must
 * wait for the last of them. Each part is a true lower bound for any scheduler, so the ratio makespan / bound
 * says how much any better scheduler could still win at most.
 */
public final class ScheduleBenchmark {

    /** The parameters of one simulated session. */
    /**
     * @param usb USB limits; with any, tentacles are put on hubs of {@code tentaclesPerHub} in the model's order
     */
    public record Settings(SchedulingPolicy policy, long seed, int count, int jobs, testbed.model.UsbLimits usb, int tentaclesPerHub) {
        public Settings(SchedulingPolicy policy, long seed, int count, int jobs) {
            this(policy, seed, count, jobs, testbed.model.UsbLimits.NONE, 7);
        }
    }

    /**
     * @param bound the lower bound, with {@code boundReason} naming which part of it binds
     * @param utilisation per tentacle label: busy time / makespan
     * @param recordBytesPerRun bytes of session records written per finished run in each quarter of the session
     */
    public record Result(
            String lab,
            int tentacles,
            SchedulingPolicy policy,
            long seed,
            Duration makespan,
            Duration bound,
            String boundReason,
            int runs,
            int flashes,
            int builds,
            int infraErrors,
            int leftovers,
            Map<String, Double> utilisation,
            int decisions,
            double decisionMedianMicros,
            double decisionP99Micros,
            List<Long> recordBytesPerRun,
            Duration wallTime,
            testbed.bartender.UsbLoad.Waits usbWaits) {

        public double ratio() {
            return bound.isZero() ? 1 : (double) makespan.toMillis() / bound.toMillis();
        }

        public double meanUtilisation() {
            return utilisation.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }
    }

    private ScheduleBenchmark() {}

    /** One lab and policy without and with USB limits (hubs of {@code tentaclesPerHub} in the model's order). */
    public record UsbCost(String lab, int tentacles, int hubs, Result free, Result limited) {
        public double changePercent() {
            return 100.0 * (limited.makespan().toMillis() - free.makespan().toMillis()) / free.makespan().toMillis();
        }
    }

    public static UsbCost usbCost(LabModel model, SchedulingPolicy policy, long seed, int count, int jobs, int perHost, int perHub, boolean quiet,
            int tentaclesPerHub) {
        int hubs = (model.tentacles().size() + tentaclesPerHub - 1) / tentaclesPerHub;
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (int i = 1; i <= hubs; i++) {
            names.add("hub" + i);
        }
        testbed.model.UsbLimits limits = new testbed.model.UsbLimits(perHost, perHub, Map.of(), quiet ? names : java.util.Set.of());
        Result free = run(model, new Settings(policy, seed, count, jobs));
        Result limited = run(model, new Settings(policy, seed, count, jobs, limits, tentaclesPerHub));
        return new UsbCost(model.name(), model.tentacles().size(), hubs, free, limited);
    }

    public static Result run(LabModel lab, Settings settings) {
        long wall0 = System.nanoTime();
        ModelDurations model = new ModelDurations(lab, settings.seed(), settings.count());
        Map<BoardVariant, Firmware> catalog = lab.firmware();
        BartenderConfig config = new BartenderConfig(settings.jobs(), lab.referenceBoards(), 2, 2, false, false, settings.policy())
                .withUsb(settings.usb());
        SimClock clock = new SimClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<Tentacle> duts = lab.tentacles();
        List<Tentacle> pool = lab.referencePool();
        if (!settings.usb().none()) {
            // Hubs of N tentacles in the model's order: identical boards sit side by side, as a lab is wired.
            Map<String, Tentacle> onHubs = new LinkedHashMap<>();
            for (int i = 0; i < duts.size(); i++) {
                Tentacle t = duts.get(i);
                onHubs.put(t.serial(), t.withTag(testbed.model.UsbLimits.HUB_TAG, "hub" + (i / settings.tentaclesPerHub() + 1)));
            }
            duts = List.copyOf(onHubs.values());
            pool = pool.stream().map(t -> onHubs.getOrDefault(t.serial(), t)).toList();
        }
        Selection selection = new Selection(duts, pool, lab.specs(), List.of());
        Bartenders bartenders = Bartenders.of(config, clock, model.estimator(), selection, catalog);
        Timeline timeline = new Timeline(clock.instant());
        RecordBytes bytes = new RecordBytes(lab, clock);
        SessionEngine.Result sim;
        try {
            sim = bartenders.engine(new SimulatedLab(clock, model), EngineListener.all(timeline, bytes.records)).run(Map.of());
        } catch (InterruptedException e) {
            throw new IllegalStateException("a simulation never waits", e);
        }

        Map<String, Double> busy = new TreeMap<>();
        lab.tentacles().forEach(t -> busy.put(t.label(), 0.0));
        int infraErrors = 0;
        List<TestRun> ran = new ArrayList<>();
        for (Timeline.Entry r : timeline.runs()) {
            double seconds = Duration.between(r.start(), r.end().orElseThrow()).toMillis() / 1000.0;
            for (Tentacle t : r.run().tentacles()) {
                busy.merge(t.label(), seconds, Double::sum);
            }
            if (r.outcome().orElseThrow() instanceof RunOutcome.InfraError) {
                infraErrors++;
            } else {
                ran.add(r.run());
            }
        }
        double makespan = timeline.makespan().toMillis() / 1000.0;
        Map<String, Double> utilisation = new LinkedHashMap<>();
        busy.forEach((label, seconds) -> utilisation.put(label, makespan == 0 ? 0 : Math.min(1, seconds / makespan)));
        Bound bound = lowerBound(lab, model, catalog, ran);
        long[] nanos = sim.decisionNanos().clone();
        Arrays.sort(nanos);
        return new Result(lab.name(), lab.tentacles().size(), settings.policy(), settings.seed(), timeline.makespan(),
                Duration.ofMillis(Math.round(bound.seconds * 1000)), bound.reason, timeline.runs().size(), timeline.flashes(),
                timeline.builds().size(), infraErrors, bartenders.tests().leftovers().size(), utilisation, nanos.length,
                DecisionBenchmark.micros(nanos, 0.5), DecisionBenchmark.micros(nanos, 0.99), bytes.perRun(), Duration.ofNanos(System.nanoTime() - wall0),
                bartenders.tests().usbWaits());
    }

    /**
     * The session records a real session would write (session.json rewrites, runs.jsonl lines), counted instead of
     * written: bytes per finished run in each quarter of the session, which must stay flat as runs grow.
     */
    private static final class RecordBytes implements EngineListener {
        private final RecordSink.Counting sink = new RecordSink.Counting();
        private final List<Long> afterRun = new ArrayList<>();
        private final List<Long> runsAt = new ArrayList<>();
        private int finished;
        final EngineListener records;

        RecordBytes(LabModel lab, SimClock clock) {
            SessionRecords.Header header = new SessionRecords.Header("bench", lab.name(), lab.name(), "bench", "bench", "bench", List.of("testbed",
                    "bench"), List.of(), "builtin", clock.instant(), null, List.of());
            SessionRecords r = new SessionRecords(header, new SessionFiles(sink), record -> { }, clock, serial -> serial, List::of, List.of(), List.of());
            records = EngineListener.all(r, this);
        }

        @Override
        public void runFinished(testbed.results.RunReport report, Instant at) {
            finished++;
        }

        @Override
        public void dispatched() {
            // After the records' own dispatched(): bytes so far against runs finished so far.
            runsAt.add((long) finished);
            afterRun.add(sink.bytes());
        }

        /** Bytes written per finished run in each quarter of the session's runs (the first quarter includes the start). */
        List<Long> perRun() {
            List<Long> quarters = new ArrayList<>();
            if (finished == 0) {
                return quarters;
            }
            int i = 0;
            long bytes0 = 0;
            long runs0 = 0;
            for (int q = 1; q <= 4; q++) {
                long target = (long) Math.ceil(finished * q / 4.0);
                while (i < runsAt.size() - 1 && runsAt.get(i) < target) {
                    i++;
                }
                long runs = runsAt.get(i) - runs0;
                quarters.add(runs == 0 ? 0 : (afterRun.get(i) - bytes0) / runs);
                runs0 = runsAt.get(i);
                bytes0 = afterRun.get(i);
            }
            return quarters;
        }
    }

    private record Bound(double seconds, String reason) {
        Bound max(double s, String why) {
            return s > seconds ? new Bound(s, why) : this;
        }
    }

    /** See the class comment; uses the work the session actually completed, with its policy-independent durations. */
    static Bound lowerBound(LabModel lab, ModelDurations model, Map<BoardVariant, Firmware> catalog, List<TestRun> ran) {
        Bound bound = new Bound(0, "nothing ran");
        Map<BoardVariant, Double> build = new HashMap<>();
        catalog.forEach((bv, f) -> build.put(bv, model.buildSeconds(f)));

        // 1. The longest chain: its firmware builds (one builder, so in a row), a flash, the run itself.
        for (TestRun r : ran) {
            double builds = build.getOrDefault(r.dutFirmware(), 0.0);
            BoardVariant ref = r.referenceFirmware().orElse(null);
            if (ref != null && !ref.equals(r.dutFirmware())) {
                builds += build.getOrDefault(ref, 0.0);
            }
            bound = bound.max(builds + model.minFlashSeconds(r.dut()) + model.ranSeconds(r), "chain " + r.testid());
        }

        // 2. Each board kind: its runs spread over its tentacles, after its first firmware is built; one flash per variant.
        Map<String, List<TestRun>> byKind = new TreeMap<>();
        ran.forEach(r -> byKind.computeIfAbsent(r.dut().tag(), k -> new ArrayList<>()).add(r));
        for (var e : byKind.entrySet()) {
            List<Tentacle> kind = lab.tentacles().stream().filter(t -> t.tag().equals(e.getKey())).toList();
            Set<BoardVariant> variants = new HashSet<>();
            double work = 0;
            for (TestRun r : e.getValue()) {
                variants.add(r.dutFirmware());
                work += model.ranSeconds(r);
            }
            double earliest = variants.stream().mapToDouble(v -> build.getOrDefault(v, 0.0)).min().orElse(0);
            work += variants.size() * model.minFlashSeconds(kind.get(0));
            bound = bound.max(earliest + work / kind.size(), "board kind " + e.getKey() + " (" + kind.size() + " tentacles)");
        }

        // 3. The reference pool: every reference run holds one pool tentacle (two when the DUT is one too), and pool
        //    tentacles also run their own groups.
        List<Tentacle> pool = lab.referencePool();
        if (!pool.isEmpty()) {
            Set<String> poolSerials = new HashSet<>();
            pool.forEach(t -> poolSerials.add(t.serial()));
            double work = 0;
            double earliest = Double.MAX_VALUE;
            for (TestRun r : ran) {
                boolean dutInPool = poolSerials.contains(r.dut().serial());
                int held = (r.reference().isPresent() ? 1 : 0) + (dutInPool ? 1 : 0);
                if (held > 0) {
                    work += held * model.ranSeconds(r);
                    BoardVariant needed = r.referenceFirmware().orElse(r.dutFirmware());
                    earliest = Math.min(earliest, build.getOrDefault(needed, 0.0));
                }
            }
            if (work > 0) {
                bound = bound.max(earliest + work / pool.size(), "reference pool (" + pool.size() + " tentacles)");
            }
        }

        // 4. All builds in a row, then at least one flash and run of whichever firmware came last.
        Map<BoardVariant, Double> shortestAfter = new HashMap<>();
        for (TestRun r : ran) {
            shortestAfter.merge(r.dutFirmware(), model.minFlashSeconds(r.dut()) + model.ranSeconds(r), Math::min);
        }
        double allBuilds = shortestAfter.keySet().stream().mapToDouble(bv -> build.getOrDefault(bv, 0.0)).sum();
        if (allBuilds > 0) {
            double tail = shortestAfter.entrySet().stream().filter(e -> build.getOrDefault(e.getKey(), 0.0) > 0)
                    .mapToDouble(Map.Entry::getValue).min().orElse(0);
            bound = bound.max(allBuilds + tail, "builds in a row (" + shortestAfter.size() + " firmware)");
        }
        return bound;
    }
}
