package testbed.app;

import java.util.Map;
import java.util.Optional;
import testbed.config.Settings;
import testbed.config.Workspace;
import testbed.model.Lab;
import testbed.queue.Coordinator;
import testbed.queue.QueueSessionLab;
import testbed.session.LocalLab;
import testbed.session.Session;
import testbed.session.SessionLab;

/**
 * Where a session's tentacles come from, chosen once for every verb that runs or plans a session: this host's lab
 * file, or the live agents of a queue. Everything downstream (the session, the engine, the bartender, the TestRun) is
 * the same for both.
 */
sealed interface LabSource permits LabSource.Local, LabSource.Queue {

    /** The choice: {@code --queue} means the agents, else the lab file. */
    static LabSource of(Workspace workspace, Session.Request request) {
        return request.queue().<LabSource>map(url -> new Queue(url, workspace.settings(), Coordinator.inventory(url, workspace.settings())))
                .orElseGet(() -> new Local(workspace.lab(request.lab()), workspace.settings()));
    }

    /** The inventory the selection is checked against. */
    Lab inventory();

    /**
     * Connects it for a session (after the session has set the previous results aside): only the tentacles the
     * selection may use, its DUTs and its reference pool; a board the session will not use is not even powered up.
     */
    SessionLab connect(testbed.selection.Selection selection);

    /** What the boards are known to carry without connecting them (serial → version text), and where that came from. */
    Optional<Known> knownFirmware();

    /** Tentacles taken out by hand (serial → who, when, why): the lab file's state on this host, or the queue's table. */
    Map<String, testbed.session.DisabledTentacles.Disabled> disabled();

    record Known(Map<String, String> versions, String from) {}

    /** This host's boards, from its lab file. */
    record Local(Lab inventory, Settings settings) implements LabSource {
        @Override
        public SessionLab connect(testbed.selection.Selection selection) {
            java.util.Set<String> serials = new java.util.HashSet<>();
            selection.duts().forEach(t -> serials.add(t.serial()));
            selection.referencePool().forEach(t -> serials.add(t.serial()));
            return LocalLab.connect(inventory.only(serials), settings);
        }

        @Override
        public Optional<Known> knownFirmware() {
            return Optional.empty(); // a plan probes, reads the boards' stored images or the history
        }

        @Override
        public Map<String, testbed.session.DisabledTentacles.Disabled> disabled() {
            return testbed.session.DisabledTentacles.of(settings.stateDir(), inventory.name());
        }
    }

    /** The tentacles of every live agent of the queue at {@code url}. */
    record Queue(String url, Settings settings, Lab inventory) implements LabSource {
        @Override
        public SessionLab connect(testbed.selection.Selection selection) {
            return QueueSessionLab.open(url, settings, inventory);
        }

        @Override
        public Optional<Known> knownFirmware() {
            return Optional.of(new Known(Coordinator.reportedFirmware(url, settings), "the agents' discovery"));
        }

        @Override
        public Map<String, testbed.session.DisabledTentacles.Disabled> disabled() {
            return testbed.queue.QueueDisabled.of(url, settings);
        }
    }
}
