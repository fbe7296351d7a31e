package testbed.queue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.bartender.TestBartender;
import testbed.engine.LabBackend;
import testbed.flash.FirmwareBuilds;
import testbed.lab.Discovery;
import testbed.model.Lab;
import testbed.model.LabException;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.results.RunReport;
import testbed.session.SessionLab;
import testbed.session.SessionRecord;

/** The agents of a queue as a session's lab: their live tentacles, runs leased to them, a reaper while the session runs. */
public final class QueueSessionLab implements SessionLab {

    private final QueueDb db;
    private final Lab lab;
    private final Map<String, String> reported = new LinkedHashMap<>();
    private QueueLab backend;
    private Coordinator coordinator;

    private QueueSessionLab(QueueDb db, Lab lab, Map<String, String> reported) {
        this.db = db;
        this.lab = lab;
        this.reported.putAll(reported);
    }

    /** @param lab the queue's inventory, as {@code Coordinator.inventory} read it when the inputs were loaded */
    public static QueueSessionLab open(String url, testbed.config.Settings settings, Lab lab) {
        QueueDb db = QueueDb.open(url, settings);
        try {
            return new QueueSessionLab(db, lab, Coordinator.reportedFirmware(db));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    @Override
    public List<Tentacle> tentacles() {
        return lab.tentacles();
    }

    @Override
    public Map<String, String> reported() {
        return reported;
    }

    @Override
    public List<Discovery.Missing> missing() {
        return List.of();
    }

    @Override
    public List<String> unknown() {
        return List.of();
    }

    @Override
    public LabBackend backend(Context c) {
        Optional<Path> source = c.request().selection().micropython().flatMap(testbed.model.MicroPythonSource::root);
        Path root = c.results().root();
        Map<String, testbed.model.TestRunSpec> specs = new LinkedHashMap<>();
        c.inputs().selection().specs().forEach(s -> specs.put(s.label(), s));
        coordinator = Coordinator.start(db, c.sessionId(), c.request().count(), c.request().config().flashSkip(), c.request().config().flashForce(),
                c.request().selection().micropython(), c.xfail(), commands(c.request().selection().onlyTests()), label -> Optional.ofNullable(specs.get(label)));
        backend = new QueueLab(db, c.sessionId(), c.results(), new FirmwareBuilds(source, root, c.workspace().settings().cacheDir())::build, c.clock(),
                c.inputs().catalog(), c.request().config().flashSkip()).givingUpAfter(c.request().hostTimeout());
        return backend;
    }

    /** {@code --only-test LABEL:COMMAND} entries as label → command: the agents replace the group's runner as the selection did here. */
    static Map<String, String> commands(List<String> onlyTests) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : onlyTests) {
            int colon = entry.indexOf(':');
            if (colon > 0 && !entry.substring(colon + 1).isBlank()) {
                out.put(entry.substring(0, colon), entry.substring(colon + 1).trim());
            }
        }
        return out;
    }

    @Override
    public List<TestRun> adopt(TestBartender bartender, SessionRecord previous) {
        Set<String> recordedStarts = new HashSet<>();
        previous.runs().forEach(r -> r.attempts().forEach(a -> recordedStarts.add(r.testid() + " " + a.timeStart())));
        Map<String, Tentacle> bySerial = new LinkedHashMap<>();
        lab.tentacles().forEach(t -> bySerial.put(t.serial(), t));
        try {
            return coordinator.adopt(backend, bartender, s -> Optional.ofNullable(bySerial.get(s)), recordedStarts);
        } catch (SQLException e) {
            throw new LabException("queue " + db.url() + ": cannot read the leases of session " + previous.sessionId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<RunReport> stopRuns(boolean cut, Duration max) {
        return backend.cancelRuns();
    }

    @Override
    public List<RunReport> awaitRuns(Duration max) {
        return backend.awaitRuns(max);
    }

    @Override
    public void close() {
        if (coordinator != null) {
            coordinator.close();
        }
        if (backend != null) {
            backend.close();
        }
        db.close();
    }
}
