package testbed.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import testbed.config.Workspace;
import testbed.lab.Discovery;
import testbed.lab.drivers.ConnectedLab;
import testbed.model.Lab;
import testbed.model.Tentacle;

/** {@code testbed list tentacles}: the inventory, and what of it this host finds now. */
public final class Listing {

    /**
     * One tentacle of the inventory as found.
     *
     * @param state ready, no MicroPython answers, or missing with the reason
     */
    public record Found(Tentacle tentacle, String state, String device, Optional<String> firmware) {}

    public record Result(Lab lab, List<Found> tentacles, List<String> unknown) {
        public boolean anyFound() {
            return tentacles.stream().anyMatch(t -> !t.state().startsWith("missing"));
        }
    }

    private Listing() {}

    public static Result tentacles(Workspace workspace, String labName) {
        Lab lab = workspace.lab(labName);
        try (ConnectedLab connected = ConnectedLab.connect(lab, workspace.settings())) {
            Discovery d = connected.discovery();
            var found = d.bySerial();
            List<Found> out = new ArrayList<>();
            for (Tentacle t : lab.tentacles()) {
                Discovery.Found f = found.get(t.serial());
                if (f != null) {
                    out.add(new Found(t, f.identity().isPresent() ? "ready" : "no MicroPython answers", f.dut().describe(),
                            f.identity().map(id -> id.firmware())));
                } else {
                    String reason = d.missing().stream().filter(m -> m.tentacle().serial().equals(t.serial())).map(Discovery.Missing::reason)
                            .findFirst().orElse("not found");
                    out.add(new Found(t, "missing: " + reason, "-", Optional.empty()));
                }
            }
            return new Result(lab, out, d.unknown());
        }
    }
}
