package testbed.app;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import testbed.config.Workspace;
import testbed.model.InvalidInputException;
import testbed.model.Lab;
import testbed.model.Tentacle;
import testbed.session.DisabledTentacles;
import testbed.session.DisabledTentacles.Disabled;

/** {@code testbed lab disable | enable}: a person takes a tentacle out of the lab (rewiring, a board on the bench) and back. */
public final class TakenOut {

    private TakenOut() {}

    /** @param tentacle its label ({@code 3b01-RPI_PICO_W}) or serial */
    public static Disabled disable(Workspace workspace, String labName, String tentacle, String reason, Clock clock) {
        if (reason == null || reason.isBlank()) {
            throw new InvalidInputException("lab disable " + tentacle + ": --reason missing (say why, for whoever finds it disabled)");
        }
        Tentacle t = find(workspace.lab(labName), tentacle);
        Disabled d = new Disabled(t.label(), workspace.settings().user(), Instant.now(clock).toString(), reason.strip());
        DisabledTentacles.disable(workspace.settings().stateDir(), labName, t.serial(), d);
        return d;
    }

    /** @return who had disabled it, empty when it was not disabled */
    public static Optional<Disabled> enable(Workspace workspace, String labName, String tentacle) {
        Tentacle t = find(workspace.lab(labName), tentacle);
        return Optional.ofNullable(DisabledTentacles.enable(workspace.settings().stateDir(), labName, t.serial()));
    }

    /** Serial → who disabled it. */
    public static Map<String, Disabled> list(Workspace workspace, String labName) {
        return DisabledTentacles.of(workspace.settings().stateDir(), workspace.lab(labName).name());
    }

    private static Tentacle find(Lab lab, String name) {
        return lab.tentacles().stream().filter(t -> t.label().equals(name) || t.serial().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException("tentacle '" + name + "': not in lab '" + lab.name() + "' (its tentacles: "
                        + lab.tentacles().stream().map(Tentacle::label).collect(Collectors.joining(", ")) + ")"));
    }
}
