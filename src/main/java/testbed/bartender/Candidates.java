package testbed.bartender;

import java.util.Comparator;
import java.util.List;
import testbed.model.BoardVariant;
import testbed.model.Tentacle;
import testbed.model.TestRunSpec;

/**
 * The candidates of one decision: for every free DUT and every open work item of its kind whose firmware is ready, a
 * TestRun that could start now (with a reference where it needs one), ranked by the policy. Reads the bartender's state.
 */
final class Candidates {

    private final TestBartender b;

    Candidates(TestBartender bartender) {
        this.b = bartender;
    }

    /**
     * The best candidate, or null when nothing can start. With USB limits, a candidate the USB load keeps out does not
     * start; when it would have been the best, its work item is marked as waiting for USB (its run says so).
     */
    Candidate best() {
        if (!b.usb.active()) {
            Candidate[] best = {null};
            Comparator<Candidate> policy = b.config.policy();
            forEach(c -> {
                if (best[0] == null || policy.compare(c, best[0]) < 0) {
                    best[0] = c;
                }
            });
            return best[0];
        }
        b.usb.deciding();
        List<Candidate> all = new java.util.ArrayList<>();
        forEach(all::add);
        Comparator<Candidate> policy = b.config.policy();
        Candidate best = null;
        Candidate bestRefused = null;
        String refusedWhy = "";
        java.util.Set<String> canTestAsIs = new java.util.HashSet<>();
        all.stream().filter(c -> !c.dutNeedsFlash() && !c.referenceNeedsFlash()).forEach(c -> canTestAsIs.add(c.dut().serial()));
        java.util.Map<Candidate, String> refused = new java.util.IdentityHashMap<>();
        for (Candidate c : all) {
            b.usb.refusal(c).ifPresent(why -> refused.put(c, why));
            if (c.dutNeedsFlash() && !canTestAsIs.contains(c.dut().serial())) {
                b.usb.reserveFor(c); // its board can do nothing without it: its quiet hub flashes first
            }
        }
        for (Candidate c : all) {
            // A flash its board does not need (it has work for what it carries) waits on a reserved hub like a test.
            boolean optional = canTestAsIs.contains(c.dut().serial()) && (c.dutNeedsFlash() || c.referenceNeedsFlash());
            String why = refused.getOrDefault(c, b.usb.reservedBy(c, optional).orElse(null));
            if (why != null) {
                if (bestRefused == null || policy.compare(c, bestRefused) < 0) {
                    bestRefused = c;
                    refusedWhy = why;
                }
            } else if (best == null || policy.compare(c, best) < 0) {
                best = c;
            }
        }
        if (bestRefused != null && (best == null || policy.compare(bestRefused, best) < 0)) {
            b.usb.waits(bestRefused.item().key(), b.clock.instant(), refusedWhy);
        }
        return best;
    }

    /** Every candidate that could start now, USB load aside. */
    private void forEach(java.util.function.Consumer<Candidate> out) {
        java.util.Optional<Deadline> deadline = b.config.deadline();
        java.time.Instant now = b.clock.instant();
        for (Tentacle dut : b.duts) {
            String serial = dut.serial();
            if (!b.free.contains(serial) || b.quarantined.contains(serial)) {
                continue;
            }
            List<WorkItem> items = b.todo.get(dut.tag());
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
                    reference = bestReference(dut, item);
                    if (reference == null) {
                        continue;
                    }
                }
                int affinity = affinity(dut, item.boardVariant());
                boolean referenceFlash = reference != null && referenceNeedsFlash(reference);
                long estimate = b.estimator.estimate(item.spec(), item.key()).toMillis();
                boolean shortestFirst = false;
                if (deadline.isPresent()) {
                    Deadline d = deadline.get();
                    java.time.Duration flashes = (affinity > 0 ? dut.programmer().typicalFlash() : java.time.Duration.ZERO)
                            .plus(referenceFlash ? reference.programmer().typicalFlash() : java.time.Duration.ZERO);
                    long needed = d.neededMillis(estimate, flashes);
                    long left = d.leftMillis(now);
                    if (needed > left) {
                        b.cutByDeadline.put(item.key(), d.wouldNotFinish(needed, left)); // it would be cut: never start it
                        continue;
                    }
                    shortestFirst = left < Math.round(kindLoad * d.safetyFactor());
                }
                out.accept(new Candidate(item, dut, reference, affinity, referenceFlash, item.failedOn().contains(serial), estimate, kindLoad,
                        shortestFirst));
            }
        }
    }

    /**
     * Open work per tentacle of a kind: the kind with the most left will end the session last, so it gets a b.free
     * reference first. The reference pool's own kinds count only their own work: giving them the reference work
     * too would let their own multi-board tests (which hold two pool tentacles) crowd out everyone else's.
     */
    long kindLoad(Tentacle dut) {
        String kind = dut.tag();
        return b.openMillis.getOrDefault(kind, 0L) / Math.max(1, b.dutsByKind.get(kind).size());
    }

    boolean isReady(BoardVariant firmware) {
        return b.config.flashSkip() || (b.readyFirmware.contains(firmware) && !b.brokenFirmware.contains(firmware));
    }

    /**
     * A free reference-capable tentacle with the FUT wired to the DUT (on its host), never the DUT itself: first one where this item has not just
     * failed (a reference that lost the last run is the suspect), then one of the DUT's own board (it speaks what the DUT
     * speaks: a unix board's sockets, a Pico W's WLAN), then one that carries its firmware.
     */
    Tentacle bestReference(Tentacle dut, WorkItem item) {
        TestRunSpec spec = item.spec();
        Tentacle best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Tentacle r : b.referencePool) {
            String serial = r.serial();
            if (serial.equals(dut.serial()) || !r.wiredTo(dut) || !b.free.contains(serial) || b.quarantined.contains(serial)
                    || !r.has(spec.requiredFut()) || !isReady(r.boardVariant(""))) {
                continue;
            }
            int rank = (item.failedOn().contains(serial) ? 4 : 0) + (r.board().equals(dut.board()) ? 0 : 2) + (referenceNeedsFlash(r) ? 1 : 0);
            if (rank < bestRank) {
                best = r;
                bestRank = rank;
            }
        }
        return best;
    }

    int affinity(Tentacle dut, BoardVariant firmware) {
        if (!dutNeedsFlash(dut, firmware)) {
            return 0;
        }
        for (Tentacle sibling : b.dutsByKind.get(dut.tag())) {
            if (sibling != dut && !b.quarantined.contains(sibling.serial()) && firmware.equals(b.firmwareOn.get(sibling.serial()))) {
                return 2;
            }
        }
        return 1;
    }

    boolean dutNeedsFlash(Tentacle t, BoardVariant firmware) {
        if (b.config.flashSkip()) {
            return false;
        }
        if (b.config.flashForce() && !b.flashedThisSession.contains(t.serial())) {
            return true;
        }
        return !firmware.equals(b.firmwareOn.get(t.serial()));
    }

    boolean referenceNeedsFlash(Tentacle r) {
        return dutNeedsFlash(r, r.boardVariant(""));
    }

}
