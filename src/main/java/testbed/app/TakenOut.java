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

    /** The same on a lab of several hosts: kept in the queue's database, for every coordinator. */
    public static Disabled disableInQueue(Workspace workspace, String url, String tentacle, String reason, Clock clock) {
        if (reason == null || reason.isBlank()) {
            throw new InvalidInputException("lab disable " + tentacle + ": --reason missing (say why, for whoever finds it disabled)");
        }
        Tentacle t = find(testbed.queue.Coordinator.inventory(url, workspace.settings()), tentacle);
        Disabled d = new Disabled(t.label(), workspace.settings().user(), Instant.now(clock).toString(), reason.strip());
        testbed.queue.QueueDisabled.disable(url, workspace.settings(), t.serial(), d);
        return d;
    }

    /** @return who had disabled it in the queue, empty when it was not disabled */
    public static Optional<Disabled> enableInQueue(Workspace workspace, String url, String tentacle) {
        Map<String, Disabled> all = testbed.queue.QueueDisabled.of(url, workspace.settings());
        // A disabled tentacle's agent may be gone: it is found by what was recorded too.
        String serial = all.entrySet().stream().filter(e -> e.getKey().equals(tentacle) || e.getValue().label().equals(tentacle)).map(Map.Entry::getKey)
                .findFirst().orElseGet(() -> find(testbed.queue.Coordinator.inventory(url, workspace.settings()), tentacle).serial());
        return testbed.queue.QueueDisabled.enable(url, workspace.settings(), serial);
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
