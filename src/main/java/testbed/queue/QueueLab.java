package testbed.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import testbed.bartender.RunOutcome;
import testbed.engine.EngineEvent;
import testbed.engine.LabBackend;
import testbed.model.Firmware;
import testbed.model.Status;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.results.AtomicJson;
import testbed.results.AttemptRecord;
import testbed.results.ResultsDir;
import testbed.results.RunReport;

/**
 * The coordinator's lab: a run starts as a lease to the agent that owns its tentacles, and ends when that agent ships
 * it (its attempt folders land in this session's results/, numbered on from what is there) or when the lease is lost
 * or cancelled (an attempt folder says why). Builds happen on this host, as in a local session.
 */
public final class QueueLab implements LabBackend, AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(QueueLab.class);

    private final QueueDb db;
    private final Leases leases;
    private final Notifications wakeups;
    private final String session;
    private final ResultsDir results;
    private final Function<Firmware, Optional<String>> build;
    private final Clock clock;
    private final BlockingQueue<EngineEvent> events = new LinkedBlockingQueue<>();
    private final ExecutorService builder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "build");
        t.setDaemon(true);
        return t;
    });
    /** The runs this coordinator leased (or took over), by lease id. */
    private final Map<Long, TestRun> leased = new ConcurrentHashMap<>();
    /** Health probes leased to the agents, by lease id: the tentacle probed. */
    private final Map<Long, String> probes = new ConcurrentHashMap<>();
    private final Map<testbed.model.BoardVariant, Firmware> catalog;
    private final boolean flashSkip;
    private final Images images;
    /** Delivered to the engine; marked booked at the next call, once the engine has journaled it. */
    private Long delivered;

    /**
     * @param build builds a firmware on this host; empty when it succeeded, else why not
     * @param catalog the session's firmware: what a lease may flash travels with it by content
     */
    public QueueLab(QueueDb db, String session, ResultsDir results, Function<Firmware, Optional<String>> build, Clock clock,
            Map<testbed.model.BoardVariant, Firmware> catalog, boolean flashSkip) {
        this.db = db;
        this.catalog = Map.copyOf(catalog);
        this.flashSkip = flashSkip;
        this.images = new Images(db);
        this.leases = new Leases(db);
        this.wakeups = new Notifications(db.another(), Set.of(Notifications.SESSION, Notifications.FREED));
        this.session = session;
        this.results = results;
        this.build = build;
        this.clock = clock;
        this.hosts = new HostTimeout(Duration.ofMinutes(10));
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void startRun(TestRun run) {
        Leases.Assignment a;
        try {
            a = leases.assign(session, Wire.Ticket.of(run, images(run)));
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot lease: {}", run.testid(), e.getMessage());
            events.add(new EngineEvent.RunFinished(RunReport.internalError(run, "queue: " + e.getMessage()), System.nanoTime()));
            return;
        } catch (SQLException e) {
            LOG.warn("{}: cannot lease: {}", run.testid(), e.getMessage());
            a = new Leases.Assignment.Busy(Set.copyOf(run.tentacles().stream().map(Tentacle::serial).toList()), "queue: " + e.getMessage());
        }
        if (a instanceof Leases.Assignment.Leased l) {
            leased.put(l.id(), run);
            LOG.info("{}: leased to {} (lease {}, epoch {})", run.testid(), l.host(), l.id(), l.epoch());
        } else if (a instanceof Leases.Assignment.Busy b) {
            LOG.info("{}: not leased, {}: {}", run.testid(), b.why(), b.serials());
            events.add(new EngineEvent.RunFinished(new RunReport(run, new RunOutcome.Busy(b.serials()), List.of(), Map.of()), System.nanoTime()));
        }
    }

    /** The images the run may flash (its DUT's firmware and its reference's), published to the queue by content. */
    private List<Wire.Image> images(TestRun run) throws SQLException {
        if (flashSkip) {
            return List.of();
        }
        List<Wire.Image> out = new ArrayList<>();
        List<testbed.model.BoardVariant> wanted = new ArrayList<>(List.of(run.dutFirmware()));
        run.referenceFirmware().ifPresent(wanted::add);
        for (testbed.model.BoardVariant bv : wanted) {
            Firmware fw = catalog.get(bv);
            if (fw != null) {
                out.add(images.publish(fw));
            }
        }
        return out;
    }

    /**
     * A health probe of an idle tentacle ({@code --health-every}), leased to its agent like a run: the agent probes its
     * own board under the tentacle's lock. Held by another session: not ours to judge, it answers.
     */
    @Override
    public boolean startProbe(Tentacle tentacle) {
        try {
            Leases.Assignment a = leases.assign(session, Wire.Ticket.probe(tentacle, clock.instant()));
            if (a instanceof Leases.Assignment.Leased l) {
                probes.put(l.id(), tentacle.serial());
            } else {
                events.add(new EngineEvent.ProbeFinished(tentacle.serial(), true, System.nanoTime()));
            }
            return true;
        } catch (SQLException e) {
            LOG.warn("health probe of {}: cannot lease: {}", tentacle.label(), e.getMessage());
            return false;
        }
    }

    /** Takes over a lease a previous coordinator of this session started (a resumed session). */
    public void adopt(long lease, TestRun run) {
        leased.put(lease, run);
    }

    @Override
    public void startBuild(Firmware firmware) {
        builder.submit(() -> events.add(new EngineEvent.BuildFinished(firmware, build.apply(firmware), System.nanoTime())));
    }

    @Override
    public Optional<EngineEvent> awaitEvent() throws InterruptedException {
        bookDelivered();
        for (int pass = 0; pass < 2; pass++) {
            EngineEvent local = events.poll();
            if (local != null) {
                return Optional.of(local);
            }
            Optional<EngineEvent> remote = nextEnded();
            if (remote.isPresent()) {
                return remote;
            }
            queuePrepared();
            EngineEvent prepared = events.poll();
            if (prepared != null) {
                return Optional.of(prepared);
            }
            if (pass == 0 && wakeups.await(500).isEmpty()) {
                return Optional.ofNullable(events.poll()); // quiet: the engine looks at tentacles held elsewhere
            }
        }
        return Optional.empty();
    }

    private void bookDelivered() {
        if (delivered != null) {
            try {
                leases.collected(delivered);
                delivered = null;
            } catch (SQLException e) {
                LOG.warn("queue: cannot mark lease {} booked: {}", delivered, e.getMessage()); // tried again at the next call
            }
        }
    }

    /** Runs whose boards their agent has prepared: their flash slots are free (the bartender's USB load). */
    private void queuePrepared() {
        try {
            leases.prepared(session).forEach((id, testid) -> {
                if (leased.containsKey(id)) {
                    events.add(new EngineEvent.RunPrepared(testid, System.nanoTime()));
                }
            });
        } catch (SQLException e) {
            LOG.debug("queue: {}", e.getMessage());
        }
    }

    private Optional<EngineEvent> nextEnded() {
        List<Leases.Lease> ended;
        try {
            ended = leases.ended(session);
        } catch (SQLException e) {
            LOG.debug("queue: {}", e.getMessage());
            return Optional.empty();
        }
        for (Leases.Lease lease : ended) {
            String probed = probes.remove(lease.id());
            if (probed != null) {
                delivered = lease.id();
                // A lost host's board is silent for now; a cancelled probe judged nothing.
                boolean answered = lease.state().equals("cancelled") || lease.report().map(r -> Wire.read(r, Wire.Report.class).answered()).orElse(false);
                return Optional.of(new EngineEvent.ProbeFinished(probed, answered, System.nanoTime()));
            }
            TestRun run = leased.remove(lease.id());
            if (run != null) {
                delivered = lease.id();
                return Optional.of(new EngineEvent.RunFinished(report(lease, run), System.nanoTime()));
            }
        }
        return Optional.empty();
    }

    /**
     * A lease that ended, as the run's report: shipped attempts unpacked here, else one attempt saying what happened. A
     * shipped report that does not match its lease (another test id, folder or board, an archive beyond its limits) is
     * refused: nothing of it is booked, and the run's boards are quarantined as {@code REPORT_REFUSED}.
     */
    RunReport report(Leases.Lease lease, TestRun run) {
        if (lease.state().equals("done") && lease.report().isPresent()) {
            try {
                Wire.Report shipped = Wire.read(lease.report().get(), Wire.Report.class);
                List<AttemptRecord> claimed = shipped.attempts() == null ? List.of() : shipped.attempts();
                ShippedResults.check(shipped, claimed, run, lease.id());
                RunReport r = shipped.toReport(run);
                return new RunReport(run, r.outcome(), ShippedResults.take(lease.archive(), claimed, results, lease.id()), r.firmware());
            } catch (ShippedResults.Refused | IllegalStateException | IllegalArgumentException e) {
                String why = "report of host " + lease.host() + " refused: " + e.getMessage();
                LOG.warn("{}: {}", run.testid(), why);
                Set<String> serials = Set.copyOf(run.tentacles().stream().map(Tentacle::serial).toList());
                AttemptRecord a = synthetic(run, Status.ERROR, "report_refused", why);
                return new RunReport(run, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.REPORT_REFUSED, serials, why), List.of(a), Map.of());
            }
        }
        boolean lost = lease.state().equals("lost");
        String why = lease.error().orElse(lease.state());
        Map<String, Optional<testbed.model.BoardVariant>> unknown = new HashMap<>();
        run.tentacles().forEach(t -> unknown.put(t.serial(), Optional.empty()));
        RunOutcome outcome = lost
                ? new RunOutcome.InfraError(RunOutcome.InfraErrorKind.HOST_LOST, Set.copyOf(run.tentacles().stream().map(Tentacle::serial).toList()), why)
                : new RunOutcome.InfraError(RunOutcome.InfraErrorKind.INTERNAL, Set.of(), why);
        AttemptRecord a = synthetic(run, lost ? Status.ERROR : Status.INTERRUPTED, lost ? "host_lost" : "", why);
        return new RunReport(run, outcome, List.of(a), lost ? unknown : Map.of());
    }

    private AttemptRecord synthetic(TestRun run, Status status, String kind, String why) {
        Path dir = results.nextAttemptDir(run.testid());
        String now = clock.instant().toString();
        AttemptRecord a = new AttemptRecord(run.testid(), "", dir.getFileName().toString(), run.spec().label(), run.dut().label(), run.dut().tag(), run.dut().serial(),
                run.dut().board(), run.variant(), run.role(), run.reference().map(Tentacle::label).orElse(""), Map.of(), List.of(),
                run.spec().runner().kind(), run.startedAt().toString(), now, Duration.between(run.startedAt(), clock.instant()).toMillis() / 1000.0,
                status, kind, why, AttemptRecord.countsOf(List.of()), List.of(), List.of());
        a = a.inFolder(dir.getFileName().toString());
        AtomicJson.write(dir.resolve("run.json"), a);
        return a;
    }


    /** Lab hosts that stopped answering: waited for, then given up (see {@link HostTimeout}). */
    private final HostTimeout hosts;

    /** Gives a lab host that stopped answering up after {@code timeout} ({@code --host-timeout}). */
    public QueueLab givingUpAfter(Duration timeout) {
        hosts.timeout(timeout);
        return this;
    }

    /**
     * Free again for this session? A tentacle held by another session waits as long as it takes; one whose host stopped
     * answering waits up to the host timeout and is then reported as unplugged.
     */
    @Override
    public boolean isFreeElsewhere(String serial) {
        try {
            if (leases.isFree(serial)) {
                hosts.answered(serial);
                return true;
            }
            hosts.held(serial, leases.hostOf(serial), clock.instant()).ifPresent(events::add);
            return false;
        } catch (SQLException e) {
            LOG.debug("queue: {}", e.getMessage());
            return false;
        }
    }

    /** What the runs still leased report by themselves within {@code max} (results/ full: the boards are left alone). */
    public List<RunReport> awaitRuns(Duration max) {
        List<RunReport> out = new ArrayList<>();
        long until = System.nanoTime() + max.toNanos();
        while (!leased.isEmpty() && System.nanoTime() < until) {
            bookDelivered();
            Optional<EngineEvent> e = nextEnded();
            if (e.isPresent()) {
                if (e.get() instanceof EngineEvent.RunFinished f) {
                    out.add(f.report());
                }
            } else {
                try {
                    wakeups.await(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        bookDelivered();
        return out;
    }

    /**
     * The session stops: its leases still held are cancelled with a new epoch (the agents stop those runs and ship
     * nothing) and each is reported as interrupted, nobody blamed.
     */
    public List<RunReport> cancelRuns() {
        bookDelivered();
        List<RunReport> out = new ArrayList<>();
        try {
            leases.cancel(session, "cancelled: the session stopped");
        } catch (SQLException e) {
            LOG.warn("queue: cannot cancel the leases of session {}: {} (they expire by themselves)", session, e.getMessage());
        }
        for (Leases.Lease lease : leasesEnded()) {
            if (probes.remove(lease.id()) != null) {
                try {
                    leases.collected(lease.id());
                } catch (SQLException e) {
                    LOG.debug("queue: {}", e.getMessage());
                }
                continue;
            }
            TestRun run = leased.remove(lease.id());
            if (run != null) {
                out.add(report(lease, run));
                try {
                    leases.collected(lease.id());
                } catch (SQLException e) {
                    LOG.debug("queue: {}", e.getMessage());
                }
            }
        }
        for (TestRun run : List.copyOf(leased.values())) {
            out.add(new RunReport(run, new RunOutcome.InfraError(RunOutcome.InfraErrorKind.INTERNAL, Set.of(), "cancelled: the session stopped"),
                    List.of(synthetic(run, Status.INTERRUPTED, "", "cancelled: the session stopped")), Map.of()));
        }
        leased.clear();
        return out;
    }

    private List<Leases.Lease> leasesEnded() {
        try {
            return leases.ended(session);
        } catch (SQLException e) {
            return List.of();
        }
    }

    public Leases leases() {
        return leases;
    }

    @Override
    public void close() {
        bookDelivered(); // the session has journaled the last run it was given
        builder.shutdownNow();
        wakeups.close();
    }
}
