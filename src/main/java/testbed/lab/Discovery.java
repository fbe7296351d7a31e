package testbed.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.board.BoardIdentity;
import testbed.model.Tentacle;

/** What discovery found: usable DUTs (with what they report), inventory tentacles not found, unknown boards. */
public record Discovery(List<Found> found, List<Missing> missing, List<String> unknown) {

    /** A connected tentacle and its identity as read over the REPL; empty when no MicroPython answered. */
    public record Found(Dut dut, Optional<BoardIdentity> identity) {}

    /**
     * A tentacle of the inventory not found now.
     *
     * @param watch a DUT its driver can still watch for the board to appear (its device path is known); empty when
     *     only a new discovery could find it
     */
    public record Missing(Tentacle tentacle, String reason, Optional<Dut> watch) {
        public Missing(Tentacle tentacle, String reason) {
            this(tentacle, reason, Optional.empty());
        }
    }

    public Discovery {
        found = List.copyOf(found);
        missing = List.copyOf(missing);
        unknown = List.copyOf(unknown);
    }

    public static Discovery merge(List<Discovery> parts) {
        List<Found> f = new ArrayList<>();
        List<Missing> m = new ArrayList<>();
        List<String> u = new ArrayList<>();
        for (Discovery d : parts) {
            f.addAll(d.found());
            m.addAll(d.missing());
            u.addAll(d.unknown());
        }
        return new Discovery(f, m, u);
    }

    public List<Tentacle> tentacles() {
        return found.stream().map(x -> x.dut().tentacle()).toList();
    }

    public Map<String, Found> bySerial() {
        Map<String, Found> map = new java.util.LinkedHashMap<>();
        found.forEach(x -> map.put(x.dut().tentacle().serial(), x));
        return map;
    }
}
