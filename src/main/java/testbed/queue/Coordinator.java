package testbed.queue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import testbed.bartender.TestBartender;
import testbed.model.LabException;
import testbed.model.MicroPythonSource;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;
import testbed.results.Xfail;

/**
 * A session coordinated through the queue: it holds the session (one coordinator at a time), publishes what agents
 * need to run its runs, reaps expired leases while it lives, and, resumed, takes over the leases its predecessor left.
 */
public final class Coordinator implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(Coordinator.class);

    private final String session;
    private final Reaper reaper;
    private final Thread reaperThread;
    private final Function<String, Optional<TestRunSpec>> specs;

    private Coordinator(QueueDb db, String session, Function<String, Optional<TestRunSpec>> specs) {
        this.session = session;
        this.specs = specs;
        this.reaper = new Reaper(db.another(), java.time.Duration.ofSeconds(2));
        this.reaperThread = new Thread(reaper, "reaper");
        reaperThread.setDaemon(true);
    }

    /**
     * Takes the session (refused while another live coordinator has it) and starts reaping.
     *
     * @param commands test group label → the command that replaces its runner (--only-test LABEL:COMMAND), for the agents
     * @param specs the session's test groups by label, to rebuild the runs a predecessor leased
     */
    public static Coordinator start(QueueDb db, String session, int count, boolean flashSkip, boolean flashForce,
            Optional<MicroPythonSource> micropython, Xfail xfail, Map<String, String> commands, Function<String, Optional<TestRunSpec>> specs) {
        Leases leases = new Leases(db);
        try {
            if (!leases.lockSession(session)) {
                throw new LabException("queue " + db.url() + ": session " + session + " is coordinated by another live process; "
                        + "it can be resumed once that one has ended");
            }
            Wire.SessionSettings settings = new Wire.SessionSettings(session, count, flashSkip, flashForce,
                    micropython.map(MicroPythonSource::origin).orElse(null), micropython.flatMap(MicroPythonSource::commit).orElse(null),
                    micropython.map(m -> m.tests().toAbsolutePath().toString()).orElse(null), micropython.flatMap(MicroPythonSource::root).isPresent(), xfail, commands);
            leases.openSession(session, host(), Wire.write(settings));
        } catch (SQLException e) {
            throw new LabException("queue " + db.url() + ": " + QueueDb.firstLine(e.getMessage()), e);
        }
        Coordinator c = new Coordinator(db, session, specs);
        c.reaperThread.start();
        return c;
    }

    /** The lab of the queue at {@code url}: the tentacles of every live agent. No live agent is a lab error. */
    public static testbed.model.Lab inventory(String url, testbed.config.Settings settings) {
        try (QueueDb db = QueueDb.open(url, settings)) {
            testbed.model.Lab lab = new Leases(db).inventory();
            if (lab.tentacles().isEmpty()) {
                throw new LabException("queue " + db.url() + ": no live agent (start testbed agent --queue ... on the lab hosts)");
            }
            return lab;
        } catch (SQLException e) {
            throw new LabException("queue " + QueueDb.redact(url) + ": " + QueueDb.firstLine(e.getMessage()), e);
        }
    }

    /** {@link #reportedFirmware(QueueDb)} of the queue at {@code url}. */
    public static Map<String, String> reportedFirmware(String url, testbed.config.Settings settings) {
        try (QueueDb db = QueueDb.open(url, settings)) {
            return reportedFirmware(db);
        }
    }

    /** What each live tentacle's board reported when its agent found it (serial → version text). */
    public static Map<String, String> reportedFirmware(QueueDb db) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            new Leases(db).liveTentacles().forEach(o -> o.firmware().ifPresent(v -> out.put(o.tentacle().serial(), v)));
        } catch (SQLException e) {
            throw new LabException("queue " + db.url() + ": " + QueueDb.firstLine(e.getMessage()), e);
        }
        return out;
    }

    /**
     * A resumed session takes over what its predecessor leased and did not book: runs still held stay with their
     * agents and are booked as running; runs that ended meanwhile are delivered as any run's end. A lease whose run
     * the record already has ({@code recorded}: testid and attempt start) is only marked booked; one whose work the
     * record shows done is cancelled.
     */
    public List<TestRun> adopt(QueueLab lab, TestBartender bartender, Function<String, Optional<Tentacle>> tentacles, Set<String> recorded)
            throws SQLException {
        Leases leases = lab.leases();
        List<TestRun> adopted = new ArrayList<>();
        for (Leases.Lease lease : leases.unbooked(session)) {
            Optional<Wire.Report> report = lease.report().map(r -> Wire.read(r, Wire.Report.class));
            if (report.isPresent() && report.get().attempts() != null && report.get().attempts().stream()
                    .anyMatch(a -> recorded.contains(a.testid() + " " + a.timeStart()))) {
                leases.collected(lease.id());
                continue;
            }
            Wire.Ticket ticket = Wire.read(lease.run(), Wire.Ticket.class);
            if (ticket.work() == Wire.Work.PROBE) {
                leases.cancel(lease.id(), "a health probe of the coordinator before");
                leases.collected(lease.id());
                continue;
            }
            TestRun run;
            try {
                run = ticket.toRun(tentacles, specs);
            } catch (RuntimeException e) {
                LOG.warn("lease {} of {}: cannot take it over: {}", lease.id(), lease.testid(), e.getMessage());
                leases.cancel(lease.id(), "its coordinator cannot take it over: " + e.getMessage());
                leases.collected(lease.id());
                continue;
            }
            if (bartender.adopt(run)) {
                lab.adopt(lease.id(), run);
                adopted.add(run);
            } else {
                leases.cancel(lease.id(), "its work was done before the coordinator restarted");
                leases.collected(lease.id());
            }
        }
        return adopted;
    }

    static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid();
        } catch (java.net.UnknownHostException e) {
            return "unknown:" + ProcessHandle.current().pid();
        }
    }

    @Override
    public void close() {
        reaper.stop();
        reaperThread.interrupt();
        try {
            reaperThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reaper.close();
        LOG.debug("coordinator of {} done", session);
    }
}
