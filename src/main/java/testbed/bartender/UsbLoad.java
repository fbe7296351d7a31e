package testbed.bartender;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.UsbLimits;
import testbed.model.WorkKey;

/**
 * USB load as a scheduling resource, like the reference pool: a run that flashes holds a slot of its boards' hubs and
 * host from its start until its boards are prepared (flashed and verified); on a quiet hub no test runs while a flash
 * does, and a flash to be done there reserves it: no new test starts on it until the flash had its turn (so a hub's
 * flashes go together, then its tests).
 *
 * <p>Pure, like the bartender that owns it: {@link #refusal} judges a candidate, {@link #started}, {@link #prepared}
 * and {@link #ended} follow the runs.
 */
public final class UsbLoad {

    /** Why the best candidate of a decision did not start, since when: the run it becomes says it waited. */
    private record Wait(Instant since, String why) {}

    private final UsbLimits limits;
    /** Heavy operations going on per slot key (a hub on a host, or a host). */
    private final Map<String, Integer> heavy = new HashMap<>();
    /** Runs in their test phase per quiet hub key. */
    private final Map<String, Integer> testing = new HashMap<>();
    /** Per running testid: the slot keys it holds while it flashes, then the quiet hubs it tests on. */
    private final Map<String, List<String>> flashing = new HashMap<>();
    private final Map<String, List<String>> tests = new HashMap<>();
    private final Map<WorkKey, Wait> waiting = new HashMap<>();
    /** Quiet hubs a waiting flash reserved during the current decision. */
    private final Set<String> reserved = new HashSet<>();
    private int runsWaited;
    private Duration waitedTotal = Duration.ZERO;

    /** Runs that started after waiting for USB load, and how long they waited together. */
    public record Waits(int runs, Duration total) {}

    UsbLoad(UsbLimits limits) {
        this.limits = limits;
    }

    boolean active() {
        return !limits.none();
    }

    /** A new decision: reservations are made again from the candidates it sees. */
    void deciding() {
        reserved.clear();
    }

    /**
     * Why this candidate may not start now (empty: it may). Tests on a hub that {@link #reserveFor} reserved are refused by
     * {@link #reservedBy}.
     */
    Optional<String> refusal(Candidate c) {
        List<Tentacle> flashes = flashes(c);
        if (!flashes.isEmpty()) {
            for (Tentacle t : flashes) {
                Optional<String> hub = UsbLimits.hubOf(t);
                if (hub.isPresent()) {
                    int limit = limitsOf(t).hubLimit(hub.get());
                    if (limit > 0 && heavy.getOrDefault(hubKey(t, hub.get()), 0) >= limit) {
                        return Optional.of("hub " + hub.get() + " flashes " + limit + " board" + (limit == 1 ? "" : "s") + " at once");
                    }
                }
            }
            int perHost = limitsOf(c.dut()).perHost();
            if (perHost > 0 && heavy.getOrDefault(hostKey(c.dut()), 0) >= perHost) {
                return Optional.of((hostName(c.dut()).isEmpty() ? "the host" : "host " + hostName(c.dut())) + " flashes " + perHost
                        + " board" + (perHost == 1 ? "" : "s") + " at once");
            }
            for (String quiet : quietHubs(c)) {
                if (testing.getOrDefault(quiet, 0) > 0) {
                    return Optional.of("tests run on quiet hub " + name(quiet));
                }
            }
            return Optional.empty();
        }
        for (String quiet : quietHubs(c)) {
            if (heavy.getOrDefault(quiet, 0) > 0) {
                return Optional.of("a board on quiet hub " + name(quiet) + " is being flashed");
            }
        }
        return Optional.empty();
    }

    /**
     * A flash that its board needs for any work it could do (it has no test to run without one): its quiet hubs flash
     * first, then test, so no new test starts there until it had its turn. A flash that is merely an option (a variant
     * switch on a board with work for what it carries) reserves nothing.
     */
    void reserveFor(Candidate neededFlash) {
        reserved.addAll(quietHubs(neededFlash));
    }

    /** A test (or a flash its board does not need) on a quiet hub that a needed flash reserved in this decision: empty when it may start. */
    Optional<String> reservedBy(Candidate c, boolean optionalFlash) {
        if (!flashes(c).isEmpty() && !optionalFlash) {
            return Optional.empty();
        }
        for (String quiet : quietHubs(c)) {
            if (reserved.contains(quiet)) {
                return Optional.of("a flash is due on quiet hub " + name(quiet));
            }
        }
        return Optional.empty();
    }

    /** The best candidate of a decision could not start for this reason: the work item waits from now. */
    void waits(WorkKey item, Instant now, String why) {
        waiting.putIfAbsent(item, new Wait(now, why));
    }

    /** What the item waited for before it started (empty: it never waited), and forgets it. */
    String startedAfterWaiting(WorkKey item, Instant now) {
        Wait w = waiting.remove(item);
        if (w == null) {
            return "";
        }
        runsWaited++;
        waitedTotal = waitedTotal.plus(Duration.between(w.since(), now));
        return "waited " + Math.max(0, Duration.between(w.since(), now).toSeconds()) + " s for USB: " + w.why();
    }

    /** Probes going on, by serial: the slot keys each holds. */
    private final Map<String, List<String>> probes = new HashMap<>();

    /** Whether a health probe of this idle tentacle fits the USB limits now (it is a short USB-heavy operation too). */
    boolean mayProbe(Tentacle t) {
        UsbLimits own = limitsOf(t);
        Optional<String> hub = UsbLimits.hubOf(t);
        if (hub.isPresent()) {
            int limit = own.hubLimit(hub.get());
            String key = hubKey(t, hub.get());
            if (limit > 0 && heavy.getOrDefault(key, 0) >= limit || own.quiet(hub.get()) && testing.getOrDefault(key, 0) > 0) {
                return false;
            }
        }
        return own.perHost() == 0 || heavy.getOrDefault(hostKey(t), 0) < own.perHost();
    }

    void probeStarted(Tentacle t) {
        List<String> keys = new ArrayList<>();
        UsbLimits.hubOf(t).ifPresent(h -> keys.add(hubKey(t, h)));
        keys.add(hostKey(t));
        keys.forEach(k -> heavy.merge(k, 1, Integer::sum));
        probes.put(t.serial(), keys);
    }

    void probeEnded(String serial) {
        List<String> keys = probes.remove(serial);
        if (keys != null) {
            keys.forEach(k -> heavy.merge(k, -1, Integer::sum));
        }
    }

    Waits waits() {
        return new Waits(runsWaited, waitedTotal);
    }

    void started(TestRun run) {
        List<String> keys = new ArrayList<>();
        List<Tentacle> flashed = new ArrayList<>();
        if (run.dutNeedsFlash()) {
            flashed.add(run.dut());
        }
        if (run.referenceNeedsFlash()) {
            run.reference().ifPresent(flashed::add);
        }
        if (!flashed.isEmpty()) {
            Set<String> slots = new java.util.LinkedHashSet<>();
            for (Tentacle t : flashed) {
                UsbLimits.hubOf(t).ifPresent(h -> slots.add(hubKey(t, h)));
            }
            slots.add(hostKey(run.dut()));
            keys.addAll(slots);
            keys.forEach(k -> heavy.merge(k, 1, Integer::sum));
            flashing.put(run.testid(), keys);
        } else {
            testPhase(run);
        }
    }

    /** The run's boards carry their firmware: its flash slots are free, its test phase begins. */
    void prepared(TestRun run) {
        List<String> keys = flashing.remove(run.testid());
        if (keys == null) {
            return;
        }
        keys.forEach(k -> heavy.merge(k, -1, Integer::sum));
        testPhase(run);
    }

    void ended(TestRun run) {
        prepared(run); // a run that ended while flashing (a failed flash) gives its slots back
        List<String> quiet = tests.remove(run.testid());
        if (quiet != null) {
            quiet.forEach(k -> testing.merge(k, -1, Integer::sum));
        }
    }

    private void testPhase(TestRun run) {
        List<String> quiet = new ArrayList<>();
        for (Tentacle t : run.tentacles()) {
            UsbLimits.hubOf(t).filter(limitsOf(t)::quiet).map(h -> hubKey(t, h)).filter(k -> !quiet.contains(k)).ifPresent(quiet::add);
        }
        if (!quiet.isEmpty()) {
            quiet.forEach(k -> testing.merge(k, 1, Integer::sum));
            tests.put(run.testid(), quiet);
        }
    }

    private static List<Tentacle> flashes(Candidate c) {
        List<Tentacle> out = new ArrayList<>(2);
        if (c.dutNeedsFlash()) {
            out.add(c.dut());
        }
        if (c.referenceNeedsFlash() && c.reference() != null) {
            out.add(c.reference());
        }
        return out;
    }

    private List<String> quietHubs(Candidate c) {
        List<String> out = new ArrayList<>(2);
        for (Tentacle t : c.reference() == null ? List.of(c.dut()) : List.of(c.dut(), c.reference())) {
            UsbLimits.hubOf(t).filter(limitsOf(t)::quiet).map(h -> hubKey(t, h)).filter(k -> !out.contains(k)).ifPresent(out::add);
        }
        return out;
    }

    /** The limits of the tentacle's host (on several hosts, each has its own lab file's). */
    private UsbLimits limitsOf(Tentacle t) {
        return limits.forHost(hostName(t));
    }

    private static String hostName(Tentacle t) {
        return t.tags().getOrDefault(Tentacle.HOST_TAG, "");
    }

    private static String hostKey(Tentacle t) {
        return "host\u0000" + hostName(t);
    }

    /** Hubs are named per host: two hosts may both have a hub1. */
    private static String hubKey(Tentacle t, String hub) {
        return "hub\u0000" + hostName(t) + "\u0000" + hub;
    }

    private static String name(String key) {
        return key.substring(key.lastIndexOf('\u0000') + 1);
    }
}
