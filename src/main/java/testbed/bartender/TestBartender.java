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
import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;
import testbed.model.WorkKey;

/**
 * The lazy scheduler. Whenever a tentacle is free or a firmware becomes ready the caller asks {@link #next()}: the
 * bartender generates the candidate TestRuns from the open work items and the free tentacles, starts the best one
 * according to its policy, locks its tentacles and consumes the work item. {@link #completed} releases them.
 *
 * <p>Pure: no I/O, no threads, time only from the injected clock. Not thread-safe; one loop drives it.
 */
public final class TestBartender {

    final BartenderConfig config;
    final Clock clock;
    final DurationEstimator estimator;

    /** Every tentacle the bartender may lock, by serial: the DUTs and the reference pool. */
    final Map<String, Tentacle> tentacles = new LinkedHashMap<>();
    final List<Tentacle> duts;
    final List<Tentacle> referencePool;
    final Map<String, List<Tentacle>> dutsByKind = new HashMap<>();
    /** Open work per tentacle kind (tag). */
    final Map<String, List<WorkItem>> todo = new LinkedHashMap<>();
    /** Per kind: estimated work of its open items, kept up to date as items start and come back. */
    final Map<String, Long> openMillis = new HashMap<>();
    final Set<BoardVariant> availableFirmware;
    final Set<BoardVariant> readyFirmware = new HashSet<>();
    final Set<BoardVariant> failedFirmware = new HashSet<>();
    /** Images that failed their version check on two identical tentacles: the firmware's fault. */
    final Set<BoardVariant> brokenFirmware = new HashSet<>();
    /** Per work item: why it did not start the last time a deadline kept it out. */
    final Map<WorkKey, String> cutByDeadline = new HashMap<>();
    /** Per work item: the runs that tried it and did not complete it. */
    final Map<WorkKey, List<String>> tried = new HashMap<>();

    final Set<String> free = new HashSet<>();
    final Map<String, Running> running = new LinkedHashMap<>();
    final Map<String, BoardVariant> firmwareOn = new HashMap<>();
    final Set<String> flashedThisSession = new HashSet<>();
    final Map<String, Integer> consecutiveInfraErrors = new HashMap<>();
    final Set<String> quarantined = new HashSet<>();
    /** Held by another testbed process for now. */
    final Set<String> elsewhere = new HashSet<>();
    /** Their device is gone (unplugged, powered off): no work until they are back, and nobody to blame. */
    final Set<String> unplugged = new HashSet<>();
    final List<Leftover> specLeftovers = new ArrayList<>();
    final List<Leftover> givenUp = new ArrayList<>();
    private final int totalItems;

    record Running(TestRun run, WorkItem item) {}

    /** Candidate generation and ranking, and the accounting of open work: both read this bartender's state. */
    private final Candidates candidates;
    private final Blame blame;
    private final Health health;
    private final OpenWork openWork;
    final UsbLoad usb;

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
        usb = new UsbLoad(config.usb());
        candidates = new Candidates(this);
        blame = new Blame(this);
        health = new Health(this);
        openWork = new OpenWork(this);
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
                        WorkItem item = new WorkItem(spec, new WorkKey(spec.label(), kind.getKey(), sample.boardVariant(variant), role), 0, Set.of());
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
        Candidate best = candidates.best();
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(start(best));
    }

    /** True when some candidate could start if {@code --jobs} allowed it. */
    public boolean hasCandidate() {
        return candidates.best() != null;
    }

    void booked(WorkItem item, int sign) {
        if (!openWork.hasPossibleReference(item)) {
            return; // never runs (left over with its reason): it must not make its kind look busier than it is
        }
        long millis = estimator.estimate(item.spec(), item.key()).toMillis();
        openMillis.merge(item.kind(), sign * millis, Long::sum);
    }

    private TestRun start(Candidate c) {
        WorkItem item = c.item();
        cutByDeadline.remove(item.key());
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
                Duration.ofMillis(c.estimatedMillis()),
                usb.startedAfterWaiting(item.key(), clock.instant()));
        usb.started(run);
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
        usb.ended(entry.run());
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
            return;
        }
        boolean pulled = outcome instanceof RunOutcome.InfraError && run.tentacles().stream().anyMatch(t -> unplugged.contains(t.serial()));
        if (outcome instanceof RunOutcome.InfraError error && (error.kind() == RunOutcome.InfraErrorKind.RESULTS_UNWRITABLE || pulled)) {
            // The host's fault, or a board pulled out by hand, not a board failing: nobody is blamed and the work is not used up.
            WorkItem item = entry.item();
            todo.get(item.kind()).add(item);
            booked(item, +1);
        } else if (outcome instanceof RunOutcome.InfraError error) {
            blame.book(run, entry.item(), error);
        } else {
            for (Tentacle t : run.tentacles()) {
                consecutiveInfraErrors.remove(t.serial());
            }
        }
        boolean hostLost = outcome instanceof RunOutcome.InfraError e && e.kind() == RunOutcome.InfraErrorKind.HOST_LOST;
        for (Tentacle t : run.tentacles()) {
            if (hostLost) {
                elsewhere.add(t.serial()); // gone with its host; back when the host is (isFreeElsewhere)
            } else if (!quarantined.contains(t.serial()) && !unplugged.contains(t.serial())) {
                free.add(t.serial());
            }
        }
    }

    /** Runs that started after waiting for USB load (the lab's usb_load), and their waits together. */
    public UsbLoad.Waits usbWaits() {
        return usb.waits();
    }

    /** A run's boards carry their firmware (flashed and verified, or found right): its USB-heavy part is over. */
    public void prepared(String testid) {
        Running entry = running.get(testid);
        if (entry != null) {
            usb.prepared(entry.run());
        }
    }

    /** A run that went on while this session's coordinator was away (a resumed queue session): booked as running. */
    public boolean adopt(TestRun run) { return new Resumption(this).adopt(run); }

    /** A resumed session: what was done before, and what is not tried again. */
    public void resumed(Set<WorkKey> done, Set<WorkKey> cutTwice) { new Resumption(this).apply(done, cutTwice); }

    /** Health probes of idle tentacles: what to probe, and what their answers change. */
    public Health health() {
        return health;
    }

    /** The tentacle's device is gone: it gets no work until {@link #pluggedIn}; a run on it ends on its own. */
    public void unplugged(String serial) {
        if (tentacles.containsKey(serial) && unplugged.add(serial)) {
            free.remove(serial);
            elsewhere.remove(serial); // a host given up: its tentacles are no longer waited for
            firmwareOn.remove(serial); // what comes back may carry anything
        }
    }

    /** The tentacle's device is back: a fresh start (its earlier errors are forgotten), its firmware checked again at its next run. */
    public void pluggedIn(String serial) {
        if (unplugged.remove(serial)) {
            consecutiveInfraErrors.remove(serial);
            if (!quarantined.contains(serial) && !elsewhere.contains(serial) && running.values().stream()
                    .noneMatch(r -> r.run().tentacles().stream().anyMatch(t -> t.serial().equals(serial)))) {
                free.add(serial);
            }
        }
    }

    /** Tentacles whose device is gone right now. */
    public Set<String> unpluggedTentacles() {
        return Set.copyOf(unplugged);
    }

    /** A tentacle another process held is free for us again. */
    public void tentacleAvailable(String serial) {
        if (elsewhere.remove(serial) && !quarantined.contains(serial) && !unplugged.contains(serial) && running.values().stream()
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

    public Set<String> quarantined() {
        return Set.copyOf(quarantined);
    }

    /** @see OpenWork#waitingWorkMillis */
    public Map<BoardVariant, Long> waitingWorkMillis() {
        return openWork.waitingWorkMillis();
    }

    /** @see OpenWork#buildUrgencyMillis */
    public Map<BoardVariant, Long> buildUrgencyMillis() {
        return openWork.buildUrgencyMillis();
    }

    /** The firmwares the open work needs, DUT variants and reference firmware alike. */
    public Set<BoardVariant> neededFirmware() {
        return openWork.neededFirmware();
    }

    /** Every selected piece of work that never ran to completion, with the reason. */
    public List<Leftover> leftovers() {
        return openWork.leftovers();
    }
}
