package testbed.bartender;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import testbed.model.BoardVariant;
import testbed.model.Tentacle;

/**
 * The accounting of open work: what each pending firmware keeps waiting, how urgently to build it, what the work
 * still needs, and why what never ran was left over. Reads the bartender's state.
 */
final class OpenWork {

    private final TestBartender b;

    OpenWork(TestBartender bartender) {
        this.b = bartender;
    }

    /**
     * Estimated open work per firmware that is not ready yet, divided by the tentacles that could run it: how long
     * the lab would be kept busy by each pending firmware. The FirmwareBartender builds the hungriest first.
     */
    public Map<BoardVariant, Long> waitingWorkMillis() {
        Map<BoardVariant, Long> work = new TreeMap<>();
        for (var entry : b.todo.entrySet()) {
            List<Tentacle> kind = b.dutsByKind.get(entry.getKey());
            long usable = kind.stream().filter(t -> !b.quarantined.contains(t.serial())).count();
            for (WorkItem item : entry.getValue()) {
                BoardVariant bv = item.boardVariant();
                long ms = b.estimator.estimate(item.spec(), item.key()).toMillis() / Math.max(1, usable);
                work.merge(bv, ms, Long::sum);
                if (item.spec().requiresReference()) {
                    for (String board : b.config.referenceBoards()) {
                        work.merge(new BoardVariant(board, ""), ms, Long::sum);
                    }
                }
            }
        }
        work.keySet().removeIf(b.readyFirmware::contains);
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
        for (var entry : b.todo.entrySet()) {
            List<Tentacle> kind = b.dutsByKind.get(entry.getKey());
            long usable = Math.max(1, kind.stream().filter(t -> !b.quarantined.contains(t.serial())).count());
            for (WorkItem item : entry.getValue()) {
                BoardVariant bv = item.boardVariant();
                if (b.readyFirmware.contains(bv)) {
                    continue;
                }
                long ms = b.estimator.estimate(item.spec(), item.key()).toMillis();
                waitingPerKind.merge(entry.getKey(), ms / usable, Long::sum);
                kindsOf.computeIfAbsent(bv, k -> new HashSet<>()).add(entry.getKey());
                if (item.spec().requiresReference()) {
                    referenceWork += ms;
                }
            }
        }
        Map<BoardVariant, Long> urgency = new TreeMap<>();
        kindsOf.forEach((bv, kinds) -> urgency.put(bv, kinds.stream().mapToLong(k -> waitingPerKind.getOrDefault(k, 0L)).max().orElse(0)));
        long pool = Math.max(1, b.referencePool.size());
        for (String board : b.config.referenceBoards()) {
            BoardVariant ref = new BoardVariant(board, "");
            if (!b.readyFirmware.contains(ref) && referenceWork > 0) {
                urgency.merge(ref, referenceWork / pool, Math::max);
            }
        }
        return urgency;
    }

    /** The firmwares the open work needs, DUT variants and reference firmware alike. */
    public Set<BoardVariant> neededFirmware() {
        Set<BoardVariant> needed = new HashSet<>();
        boolean referenceWork = false;
        for (List<WorkItem> items : b.todo.values()) {
            for (WorkItem item : items) {
                needed.add(item.boardVariant());
                referenceWork |= item.spec().requiresReference();
            }
        }
        if (referenceWork) {
            b.referencePool.forEach(r -> needed.add(r.boardVariant("")));
        }
        return needed;
    }

    /** Every selected piece of work that never ran to completion, with the reason. */
    public List<Leftover> leftovers() {
        List<Leftover> result = new ArrayList<>(b.specLeftovers);
        result.addAll(b.givenUp);
        for (var entry : b.todo.entrySet()) {
            for (WorkItem item : entry.getValue()) {
                result.add(reasonFor(item));
            }
        }
        return result;
    }

    /** Why an open item never ran to completion, with the runs that tried it. */
    Leftover reasonFor(WorkItem item) {
        Leftover l = reasonOf(item);
        return new Leftover(l.spec(), l.item(), l.reason(), l.detail(), b.tried.getOrDefault(item.key(), List.of()));
    }

    private Leftover reasonOf(WorkItem item) {
        String label = item.spec().label();
        String what = item.describe();
        String cut = b.cutByDeadline.get(item.key());
        if (cut != null) {
            return new Leftover(label, what, Leftover.Reason.DEADLINE, cut);
        }
        BoardVariant firmware = item.boardVariant();
        if (!b.config.flashSkip()) {
            if (b.failedFirmware.contains(firmware)) {
                return new Leftover(label, what, Leftover.Reason.FIRMWARE_BUILD_FAILED, firmware.name());
            }
            if (b.brokenFirmware.contains(firmware)) {
                return new Leftover(label, what, Leftover.Reason.FIRMWARE_BROKEN, firmware.name() + " failed its version check on two tentacles");
            }
            if (!b.availableFirmware.contains(firmware)) {
                return new Leftover(label, what, Leftover.Reason.NO_FIRMWARE, "no firmware/" + firmware.name() + "/firmware.json");
            }
        }
        List<Tentacle> kind = b.dutsByKind.get(item.kind());
        if (kind.stream().anyMatch(t -> b.unplugged.contains(t.serial()))
                && kind.stream().allMatch(t -> b.quarantined.contains(t.serial()) || b.unplugged.contains(t.serial()))) {
            return new Leftover(label, what, Leftover.Reason.OFFLINE, "unplugged (or never plugged in) during the session: "
                    + kind.stream().filter(t -> b.unplugged.contains(t.serial())).map(Tentacle::label).collect(Collectors.joining(", ")));
        }
        if (kind.stream().allMatch(t -> b.quarantined.contains(t.serial()))) {
            return new Leftover(label, what, Leftover.Reason.TENTACLE_QUARANTINED,
                    kind.stream().map(Tentacle::label).collect(Collectors.joining(", ")));
        }
        if (kind.stream().allMatch(t -> b.quarantined.contains(t.serial()) || b.elsewhere.contains(t.serial()))) {
            return new Leftover(label, what, Leftover.Reason.IN_USE_ELSEWHERE,
                    kind.stream().map(Tentacle::label).collect(Collectors.joining(", ")));
        }
        if (item.spec().requiresReference()) {
            List<Tentacle> candidates = b.referencePool.stream().filter(r -> r.has(item.spec().requiredFut()))
                    .filter(r -> kind.stream().anyMatch(d -> !d.serial().equals(r.serial()))).toList();
            if (!candidates.isEmpty() && candidates.stream().allMatch(r -> b.quarantined.contains(r.serial()))) {
                // The references failed, not the DUT: a lab problem, and the DUT is not blamed.
                return new Leftover(label, what, Leftover.Reason.TENTACLE_QUARANTINED,
                        "reference " + candidates.stream().map(Tentacle::label).collect(Collectors.joining(", ")));
            }
            if (!b.config.flashSkip() && candidates.stream().anyMatch(r -> b.brokenFirmware.contains(r.boardVariant("")))) {
                return new Leftover(label, what, Leftover.Reason.FIRMWARE_BROKEN, "reference firmware " + candidates.get(0).boardVariant("").name());
            }
            List<Tentacle> refs = b.referencePool.stream()
                    .filter(r -> r.has(item.spec().requiredFut()) && !b.quarantined.contains(r.serial()))
                    .filter(r -> kind.stream().anyMatch(d -> !d.serial().equals(r.serial())))
                    .toList();
            if (!refs.isEmpty() && refs.stream().noneMatch(r -> kind.stream().anyMatch(d -> !d.serial().equals(r.serial()) && r.wiredTo(d)))) {
                return new Leftover(label, what, Leftover.Reason.NO_REFERENCE, "no reference tentacle on the host of any " + item.kind()
                        + " tentacle (a reference and its DUT are wired together)");
            }
            if (refs.isEmpty()) {
                String boards = String.join(",", new java.util.TreeSet<>(b.config.referenceBoards()));
                boolean selfOnly = b.referencePool.stream().anyMatch(r -> r.has(item.spec().requiredFut()));
                return new Leftover(label, what, Leftover.Reason.NO_REFERENCE, selfOnly
                        ? "the only " + boards + " tentacle with " + item.spec().requiredFut() + " cannot be its own reference"
                        : "no tentacle with board " + boards + " and " + item.spec().requiredFut());
            }
            if (!b.config.flashSkip() && refs.stream().noneMatch(r -> b.availableFirmware.contains(r.boardVariant("")))) {
                return new Leftover(label, what, Leftover.Reason.NO_FIRMWARE,
                        "reference firmware " + refs.get(0).boardVariant("").name());
            }
        }
        return new Leftover(label, what, Leftover.Reason.NOT_STARTED, "");
    }

    /** A reference-needing item has some reference tentacle other than each DUT of its kind. */
    boolean hasPossibleReference(WorkItem item) {
        if (!item.spec().requiresReference()) {
            return true;
        }
        for (Tentacle dut : b.dutsByKind.get(item.kind())) {
            for (Tentacle r : b.referencePool) {
                if (!r.serial().equals(dut.serial()) && r.wiredTo(dut) && r.has(item.spec().requiredFut())) {
                    return true;
                }
            }
        }
        return false;
    }
}
