package testbed.bartender;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;

/**
 * The lazy scheduler. Whenever a tentacle is free or a firmware becomes ready the caller asks {@link #next()}: the
 * bartender generates the candidate TestRuns from the open work items and the free tentacles, starts the best one
 * according to its policy, locks its tentacles and consumes the work item. {@link #completed} releases them.
 *
 * <p>Pure: no I/O, no threads, time only from the injected clock. Not thread-safe; one loop drives it.
 */
public final class TestBartender {

    private final BartenderConfig config;
    private final Clock clock;
    private final DurationEstimator estimator;

    /** Every tentacle the bartender may lock, by serial: the DUTs and the reference pool. */
    private final Map<String, Tentacle> tentacles = new LinkedHashMap<>();
    private final List<Tentacle> duts;
    private final List<Tentacle> referencePool;
    private final Map<String, List<Tentacle>> dutsByKind = new HashMap<>();
    /** Open work per tentacle kind (tag). */
    private final Map<String, List<WorkItem>> todo = new LinkedHashMap<>();
    /** Per kind: estimated work of its open items, kept up to date as items start and come back. */
    private final Map<String, Long> openMillis = new HashMap<>();
    private final Set<BoardVariant> availableFirmware;
    private final Set<BoardVariant> readyFirmware = new HashSet<>();
    private final Set<BoardVariant> failedFirmware = new HashSet<>();

    private final Set<String> free = new HashSet<>();
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<String, BoardVariant> firmwareOn = new HashMap<>();
    private final Set<String> flashedThisSession = new HashSet<>();
    private final Map<String, Integer> consecutiveInfraErrors = new HashMap<>();
    private final Set<String> quarantined = new HashSet<>();
    /** Held by another testbed process for now. */
    private final Set<String> elsewhere = new HashSet<>();
    private final List<Leftover> specLeftovers = new ArrayList<>();
    private final List<Leftover> givenUp = new ArrayList<>();
    private final int totalItems;
    private int startedRuns;

    private record Running(TestRun run, WorkItem item) {}

    /**
     * @param duts the selected tentacles to test, their variants already narrowed to the selected firmware
     * @param referencePool the connected tentacles that may serve as reference (board in the reference set)
     * @param specs the selected test groups
     * @param availableFirmware board-variants that have a firmware (prebuilt or buildable)
     */
    public TestBartender(
            BartenderConfig config,
            Clock clock,
            DurationEstimator estimator,
            List<Tentacle> duts,
            List<Tentacle> referencePool,
            List<TestRunSpec> specs,
            Collection<BoardVariant> availableFirmware) {
        this.config = config;
        this.clock = clock;
        this.estimator = estimator;
        this.duts = List.copyOf(duts);
        this.referencePool = referencePool.stream()
                .filter(t -> config.referenceBoards().contains(t.board()))
                .sorted(Comparator.comparing(Tentacle::serial))
                .toList();
        this.availableFirmware = Set.copyOf(availableFirmware);
        for (Tentacle t : duts) {
            tentacles.put(t.serial(), t);
            dutsByKind.computeIfAbsent(t.tag(), k -> new ArrayList<>()).add(t);
        }
        for (Tentacle t : this.referencePool) {
            tentacles.putIfAbsent(t.serial(), t);
        }
        free.addAll(tentacles.keySet());
        totalItems = createWorkItems(specs);
    }

    private int createWorkItems(List<TestRunSpec> specs) {
        int count = 0;
        for (TestRunSpec spec : specs) {
            List<Role> roles = spec.requiresReference() ? List.of(Role.INSTANCE0, Role.INSTANCE1) : List.of(Role.SINGLE);
            boolean any = false;
            for (var kind : dutsByKind.entrySet()) {
                Tentacle sample = kind.getValue().get(0);
                if (!sample.has(spec.requiredFut())) {
                    continue;
                }
                any = true;
                List<String> variants = config.flashSkip() && sample.variants().size() > 1
                        ? List.of(BartenderConfig.UNKNOWN_VARIANT)
                        : sample.variants();
                for (String variant : variants) {
                    for (Role role : roles) {
                        WorkItem item = new WorkItem(spec, kind.getKey(), sample.board(), variant, role, 0, Set.of());
                        todo.computeIfAbsent(kind.getKey(), k -> new ArrayList<>()).add(item);
                        booked(item, +1);
                        count++;
                    }
                }
            }
            if (!any) {
                specLeftovers.add(new Leftover(spec.label(), "", Leftover.Reason.NO_TENTACLE_WITH_FUT,
                        "no selected tentacle has " + spec.requiredFut()));
            }
        }
        return count;
    }

    // ---- events from the outside world ----

    /** A firmware image is ready to flash (prebuilt at once, or its build finished). */
    public void firmwareReady(BoardVariant firmware) {
        readyFirmware.add(firmware);
    }

    /** A firmware build failed: its work items can never run and are reported as leftovers. */
    public void firmwareFailed(BoardVariant firmware) {
        failedFirmware.add(firmware);
    }

    /** What a tentacle really carries, read back from the board (empty: unknown or no MicroPython). */
    public void firmwareObserved(String serial, Optional<BoardVariant> firmware) {
        firmware.ifPresentOrElse(f -> firmwareOn.put(serial, f), () -> firmwareOn.remove(serial));
    }

    // ---- the decision ----

    /**
     * Starts the best candidate, if any may start now: locks its tentacles, consumes its work item and returns the
     * run. Empty when {@code --jobs} is exhausted or no candidate exists.
     */
    public Optional<TestRun> next() {
        if (config.jobs() > 0 && running.size() >= config.jobs()) {
            return Optional.empty();
        }
        Candidate best = bestCandidate();
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(start(best));
    }

    /** True when some candidate could start if {@code --jobs} allowed it. */
    public boolean hasCandidate() {
        return bestCandidate() != null;
    }

    private Candidate bestCandidate() {
        Candidate best = null;
        Comparator<Candidate> policy = config.policy();
        for (Tentacle dut : duts) {
            String serial = dut.serial();
            if (!free.contains(serial) || quarantined.contains(serial)) {
                continue;
            }
            List<WorkItem> items = todo.get(dut.tag());
            if (items == null || items.isEmpty()) {
                continue;
            }
            long kindLoad = kindLoad(dut);
            for (WorkItem item : items) {
                if (!isReady(item.boardVariant())) {
                    continue;
                }
                Tentacle reference = null;
                if (item.spec().requiresReference()) {
                    reference = bestReference(dut, item.spec());
                    if (reference == null) {
                        continue;
                    }
                }
                Candidate c = new Candidate(
                        item,
                        dut,
                        reference,
                        affinity(dut, item.boardVariant()),
                        reference != null && referenceNeedsFlash(reference),
                        item.failedOn().contains(serial),
                        estimator.estimate(item.spec(), dut).toMillis(),
                        kindLoad);
                if (best == null || policy.compare(c, best) < 0) {
                    best = c;
                }
            }
        }
        return best;
    }

    private void booked(WorkItem item, int sign) {
        if (!hasPossibleReference(item)) {
            return; // never runs (left over with its reason): it must not make its kind look busier than it is
        }
        long millis = estimator.estimate(item.spec(), dutsByKind.get(item.kind()).get(0)).toMillis();
        openMillis.merge(item.kind(), sign * millis, Long::sum);
    }

    private boolean hasPossibleReference(WorkItem item) {
        if (!item.spec().requiresReference()) {
            return true;
        }
        for (Tentacle dut : dutsByKind.get(item.kind())) {
            for (Tentacle r : referencePool) {
                if (!r.serial().equals(dut.serial()) && r.has(item.spec().requiredFut())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Open work per tentacle of a kind: the kind with the most left will end the session last, so it gets a free
     * reference first. The reference pool's own kinds count only their own work: giving them the reference work
     * too would let their own multi-board tests (which hold two pool tentacles) crowd out everyone else's.
     */
    private long kindLoad(Tentacle dut) {
        String kind = dut.tag();
        return openMillis.getOrDefault(kind, 0L) / Math.max(1, dutsByKind.get(kind).size());
    }

    private boolean isReady(BoardVariant firmware) {
        return config.flashSkip() || readyFirmware.contains(firmware);
    }

    /** A free reference-capable tentacle with the FUT, never the DUT itself; one that carries its firmware first. */
    private Tentacle bestReference(Tentacle dut, TestRunSpec spec) {
        Tentacle best = null;
        for (Tentacle r : referencePool) {
            String serial = r.serial();
            if (serial.equals(dut.serial()) || !free.contains(serial) || quarantined.contains(serial)
                    || !r.has(spec.requiredFut()) || !isReady(r.boardVariant(""))) {
                continue;
            }
            if (!referenceNeedsFlash(r)) {
                return r;
            }
            if (best == null) {
                best = r;
            }
        }
        return best;
    }

    private int affinity(Tentacle dut, BoardVariant firmware) {
        if (!dutNeedsFlash(dut, firmware)) {
            return 0;
        }
        for (Tentacle sibling : dutsByKind.get(dut.tag())) {
            if (sibling != dut && !quarantined.contains(sibling.serial()) && firmware.equals(firmwareOn.get(sibling.serial()))) {
                return 2;
            }
        }
        return 1;
    }

    private boolean dutNeedsFlash(Tentacle t, BoardVariant firmware) {
        if (config.flashSkip()) {
            return false;
        }
        if (config.flashForce() && !flashedThisSession.contains(t.serial())) {
            return true;
        }
        return !firmware.equals(firmwareOn.get(t.serial()));
    }

    private boolean referenceNeedsFlash(Tentacle r) {
        return dutNeedsFlash(r, r.boardVariant(""));
    }

    private TestRun start(Candidate c) {
        WorkItem item = c.item();
        Optional<Tentacle> reference = Optional.ofNullable(c.reference());
        TestRun run = new TestRun(
                c.testid(),
                item.spec(),
                c.dut(),
                item.variant(),
                item.role(),
                reference,
                c.dutNeedsFlash(),
                c.referenceNeedsFlash(),
                item.requeues(),
                clock.instant(),
                Duration.ofMillis(c.estimatedMillis()));
        todo.get(item.kind()).remove(item);
        booked(item, -1);
        for (Tentacle t : run.tentacles()) {
            free.remove(t.serial());
        }
        // Optimistic: the run will flash what it needs. A failed flash or a lost board resets this to unknown.
        if (!config.flashSkip()) {
            assumeFlashed(c.dut(), run.dutFirmware());
            reference.ifPresent(r -> assumeFlashed(r, r.boardVariant("")));
        }
        running.put(run.testid(), new Running(run, item));
        startedRuns++;
        return run;
    }

    private void assumeFlashed(Tentacle t, BoardVariant firmware) {
        firmwareOn.put(t.serial(), firmware);
        flashedThisSession.add(t.serial());
    }

    /** Releases a run's tentacles and books its outcome: an infrastructure error requeues the item. */
    public void completed(TestRun run, RunOutcome outcome) {
        Running entry = running.remove(run.testid());
        if (entry == null) {
            throw new IllegalStateException("not running: " + run.testid());
        }
        if (outcome instanceof RunOutcome.Busy busy) {
            WorkItem item = entry.item();
            todo.get(item.kind()).add(item);
            booked(item, +1);
            elsewhere.addAll(busy.busySerials());
            for (Tentacle t : run.tentacles()) {
                if (!elsewhere.contains(t.serial()) && !quarantined.contains(t.serial())) {
                    free.add(t.serial());
                }
            }
            startedRuns--;
            return;
        }
        if (outcome instanceof RunOutcome.InfraError error) {
            Set<String> blamed = error.blamedSerials().isEmpty() ? Set.of(run.dut().serial()) : error.blamedSerials();
            for (String serial : blamed) {
                firmwareOn.remove(serial);
                int errors = consecutiveInfraErrors.merge(serial, 1, Integer::sum);
                if (errors >= config.quarantineAfter()) {
                    quarantined.add(serial);
                }
            }
            WorkItem item = entry.item();
            if (item.requeues() < config.maxRequeues()) {
                todo.get(item.kind()).add(item.requeuedAfterFailureOn(run.dut().serial()));
                booked(item, +1);
            } else {
                givenUp.add(new Leftover(item.spec().label(), item.describe(), Leftover.Reason.INFRA_ERRORS,
                        (item.requeues() + 1) + " attempts, last: " + error.kind() + " " + error.message()));
            }
        } else {
            for (Tentacle t : run.tentacles()) {
                consecutiveInfraErrors.remove(t.serial());
            }
        }
        for (Tentacle t : run.tentacles()) {
            if (!quarantined.contains(t.serial())) {
                free.add(t.serial());
            }
        }
    }

    /** A tentacle another process held is free for us again. */
    public void tentacleAvailable(String serial) {
        if (elsewhere.remove(serial) && !quarantined.contains(serial) && running.values().stream()
                .noneMatch(r -> r.run().tentacles().stream().anyMatch(t -> t.serial().equals(serial)))) {
            free.add(serial);
        }
    }

    /** True when open work could still run once another process releases a tentacle it holds. */
    public boolean waitsForOtherSessions() {
        if (elsewhere.isEmpty()) {
            return false;
        }
        for (var entry : todo.entrySet()) {
            if (!entry.getValue().isEmpty() && dutsByKind.get(entry.getKey()).stream().anyMatch(t -> elsewhere.contains(t.serial()))) {
                return true;
            }
        }
        return referencePool.stream().anyMatch(r -> elsewhere.contains(r.serial()))
                && todo.values().stream().flatMap(List::stream).anyMatch(i -> i.spec().requiresReference());
    }

    /** Tentacles held by another testbed process right now. */
    public Set<String> heldElsewhere() {
        return Set.copyOf(elsewhere);
    }

    // ---- state for the loop, progress and reports ----

    public boolean isRunning() {
        return !running.isEmpty();
    }

    public List<TestRun> runningRuns() {
        return running.values().stream().map(Running::run).toList();
    }

    public int totalItems() {
        return totalItems;
    }

    public int openItems() {
        return todo.values().stream().mapToInt(List::size).sum();
    }

    public int startedRuns() {
        return startedRuns;
    }

    public Set<String> quarantined() {
        return Set.copyOf(quarantined);
    }

    public boolean isQuarantined(String serial) {
        return quarantined.contains(serial);
    }

    public Optional<BoardVariant> firmwareOn(String serial) {
        return Optional.ofNullable(firmwareOn.get(serial));
    }

    /**
     * Estimated open work per firmware that is not ready yet, divided by the tentacles that could run it: how long
     * the lab would be kept busy by each pending firmware. The FirmwareBartender builds the hungriest first.
     */
    public Map<BoardVariant, Long> waitingWorkMillis() {
        Map<BoardVariant, Long> work = new TreeMap<>();
        for (var entry : todo.entrySet()) {
            List<Tentacle> kind = dutsByKind.get(entry.getKey());
            long usable = kind.stream().filter(t -> !quarantined.contains(t.serial())).count();
            for (WorkItem item : entry.getValue()) {
                BoardVariant bv = item.boardVariant();
                long ms = estimator.estimate(item.spec(), kind.get(0)).toMillis() / Math.max(1, usable);
                work.merge(bv, ms, Long::sum);
                if (item.spec().requiresReference()) {
                    for (String board : config.referenceBoards()) {
                        work.merge(new BoardVariant(board, ""), ms, Long::sum);
                    }
                }
            }
        }
        work.keySet().removeIf(readyFirmware::contains);
        return work;
    }

    /**
     * How urgently each pending firmware should be built: the most open work per tentacle, over the kinds that need
     * it, of everything those kinds still wait for. A kind with several variants and much work per tentacle (it will
     * end the session last) gets its first image early, and its next ones while its other kinds' work still lasts;
     * a kind with little work waits. Reference work counts for the reference firmware.
     */
    public Map<BoardVariant, Long> buildUrgencyMillis() {
        Map<String, Long> waitingPerKind = new HashMap<>();
        Map<BoardVariant, Set<String>> kindsOf = new HashMap<>();
        long referenceWork = 0;
        for (var entry : todo.entrySet()) {
            List<Tentacle> kind = dutsByKind.get(entry.getKey());
            long usable = Math.max(1, kind.stream().filter(t -> !quarantined.contains(t.serial())).count());
            for (WorkItem item : entry.getValue()) {
                BoardVariant bv = item.boardVariant();
                if (readyFirmware.contains(bv)) {
                    continue;
                }
                long ms = estimator.estimate(item.spec(), kind.get(0)).toMillis();
                waitingPerKind.merge(entry.getKey(), ms / usable, Long::sum);
                kindsOf.computeIfAbsent(bv, k -> new HashSet<>()).add(entry.getKey());
                if (item.spec().requiresReference()) {
                    referenceWork += ms;
                }
            }
        }
        Map<BoardVariant, Long> urgency = new TreeMap<>();
        kindsOf.forEach((bv, kinds) -> urgency.put(bv, kinds.stream().mapToLong(k -> waitingPerKind.getOrDefault(k, 0L)).max().orElse(0)));
        long pool = Math.max(1, referencePool.size());
        for (String board : config.referenceBoards()) {
            BoardVariant ref = new BoardVariant(board, "");
            if (!readyFirmware.contains(ref) && referenceWork > 0) {
                urgency.merge(ref, referenceWork / pool, Math::max);
            }
        }
        return urgency;
    }

    /** The firmwares the open work needs, DUT variants and reference firmware alike. */
    public Set<BoardVariant> neededFirmware() {
        Set<BoardVariant> needed = new HashSet<>();
        boolean referenceWork = false;
        for (List<WorkItem> items : todo.values()) {
            for (WorkItem item : items) {
                needed.add(item.boardVariant());
                referenceWork |= item.spec().requiresReference();
            }
        }
        if (referenceWork) {
            referencePool.forEach(r -> needed.add(r.boardVariant("")));
        }
        return needed;
    }

    /** Every selected piece of work that never ran to completion, with the reason. */
    public List<Leftover> leftovers() {
        List<Leftover> result = new ArrayList<>(specLeftovers);
        result.addAll(givenUp);
        for (var entry : todo.entrySet()) {
            for (WorkItem item : entry.getValue()) {
                result.add(reasonFor(item));
            }
        }
        return result;
    }

    private Leftover reasonFor(WorkItem item) {
        String label = item.spec().label();
        String what = item.describe();
        BoardVariant firmware = item.boardVariant();
        if (!config.flashSkip()) {
            if (failedFirmware.contains(firmware)) {
                return new Leftover(label, what, Leftover.Reason.FIRMWARE_BUILD_FAILED, firmware.name());
            }
            if (!availableFirmware.contains(firmware)) {
                return new Leftover(label, what, Leftover.Reason.NO_FIRMWARE, "no firmware/" + firmware.name() + "/firmware.json");
            }
        }
        List<Tentacle> kind = dutsByKind.get(item.kind());
        if (kind.stream().allMatch(t -> quarantined.contains(t.serial()))) {
            return new Leftover(label, what, Leftover.Reason.TENTACLE_QUARANTINED,
                    kind.stream().map(Tentacle::label).collect(Collectors.joining(", ")));
        }
        if (kind.stream().allMatch(t -> quarantined.contains(t.serial()) || elsewhere.contains(t.serial()))) {
            return new Leftover(label, what, Leftover.Reason.IN_USE_ELSEWHERE,
                    kind.stream().map(Tentacle::label).collect(Collectors.joining(", ")));
        }
        if (item.spec().requiresReference()) {
            List<Tentacle> refs = referencePool.stream()
                    .filter(r -> r.has(item.spec().requiredFut()) && !quarantined.contains(r.serial()))
                    .filter(r -> kind.stream().anyMatch(d -> !d.serial().equals(r.serial())))
                    .toList();
            if (refs.isEmpty()) {
                String boards = String.join(",", new java.util.TreeSet<>(config.referenceBoards()));
                boolean selfOnly = referencePool.stream().anyMatch(r -> r.has(item.spec().requiredFut()));
                return new Leftover(label, what, Leftover.Reason.NO_REFERENCE, selfOnly
                        ? "the only " + boards + " tentacle with " + item.spec().requiredFut() + " cannot be its own reference"
                        : "no tentacle with board " + boards + " and " + item.spec().requiredFut());
            }
            if (!config.flashSkip() && refs.stream().noneMatch(r -> availableFirmware.contains(r.boardVariant("")))) {
                return new Leftover(label, what, Leftover.Reason.NO_FIRMWARE,
                        "reference firmware " + refs.get(0).boardVariant("").name());
            }
        }
        return new Leftover(label, what, Leftover.Reason.NOT_STARTED, "");
    }
}
