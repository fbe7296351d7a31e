package testbed.bartender;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import testbed.model.Tentacle;

/**
 * Health probes of idle tentacles ({@code --health-every}), booked into the bartender: a tentacle that does not answer
 * is quarantined before it eats a real run, and one a probe quarantined is taken back once it answers again
 * (re-plugged, power-cycled).
 */
public final class Health {

    private final TestBartender b;
    /** Quarantined by a probe (not by a run): a later probe that gets an answer takes them back. */
    private final Set<String> healthQuarantined = new HashSet<>();

    Health(TestBartender bartender) {
        this.b = bartender;
    }

    /**
     * The b.tentacles a health probe may look at now: idle ones known to carry firmware (a blank board answers nothing
     * by nature), and those a probe quarantined, to take them back when they answer again; none beyond the lab's USB
     * limits (a probe is USB traffic too).
     */
    public List<Tentacle> probeCandidates() {
        List<Tentacle> out = new ArrayList<>();
        for (Tentacle t : b.tentacles.values()) {
            String s = t.serial();
            boolean idle = b.free.contains(s) && !b.quarantined.contains(s) && b.firmwareOn.containsKey(s);
            if ((idle || healthQuarantined.contains(s) && !b.unplugged.contains(s)) && b.usb.mayProbe(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** A probe looks at this tentacle now: no run may start on it meanwhile. */
    public void probing(String serial) {
        b.free.remove(serial);
        java.util.Optional.ofNullable(b.tentacles.get(serial)).ifPresent(b.usb::probeStarted);
    }

    /**
     * The probe's answer. No answer: b.quarantined before it eats a real run. An answer from one a probe had
     * quarantined: taken back. Returns what changed: "quarantined", "taken back", or "" for nothing.
     */
    public String probed(String serial, boolean answered) {
        b.usb.probeEnded(serial);
        String change = "";
        if (b.unplugged.contains(serial)) {
            return change; // its device went away meanwhile: the plug watch has it, the probe says nothing of the board
        }
        if (!answered && !b.quarantined.contains(serial)) {
            b.quarantined.add(serial);
            healthQuarantined.add(serial);
            b.firmwareOn.remove(serial);
            change = "quarantined";
        } else if (answered && healthQuarantined.remove(serial)) {
            b.quarantined.remove(serial);
            b.consecutiveInfraErrors.remove(serial);
            change = "taken back";
        }
        if (!b.quarantined.contains(serial) && b.running.values().stream().noneMatch(r -> r.run().tentacles().stream().anyMatch(t -> t.serial().equals(serial)))) {
            b.free.add(serial);
        }
        return change;
    }
}
