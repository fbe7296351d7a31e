package testbed.queue;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.ThreadContext;
import testbed.config.Workspace;
import testbed.lab.Discovery;
import testbed.lab.Dut;
import testbed.lab.drivers.ConnectedLab;
import testbed.model.Lab;
import testbed.model.LabException;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.results.RunReport;

/**
 * {@code testbed agent}: one lab host's side. It connects this host's boards as {@code run} does, registers them,
 * heartbeats, runs what is leased to them with the same {@link testbed.testrun.TestRunExecutor} as a local session,
 * ships each run's attempt folders and parsed results, and frees the tentacles. A run whose lease moved on (the
 * heartbeat or the final write touches no row) is stopped and its results are thrown away: fencing.
 */
public final class Agent {

    private static final Logger LOG = LogManager.getLogger(Agent.class);

    /** @param heartbeat how often the agent says it lives (10–20 s); {@code lease} how long a lease lasts without one */
    public record Options(String host, Duration lease, Duration heartbeat, String python, AgentTrust trust) {

        public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
        public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

        public Options {
            if (heartbeat.compareTo(lease) >= 0) {
                throw new testbed.model.InvalidInputException("--heartbeat " + heartbeat.toSeconds() + " s must be shorter than --lease "
                        + lease.toSeconds() + " s");
            }
        }
    }

    private final Options options;
    private final QueueDb db;
    private final Workspace workspace;
    private final testbed.testrun.TentacleLocks locks;
    private final AgentQueue queue;
    private final AgentQueue beats;
    private final Notifications wakeups;
    private final ConnectedLab connected;
    private final Map<String, Tentacle> tentacles = new LinkedHashMap<>();
    private final Map<String, Dut> duts = new HashMap<>();
    private final Sessions sessions;
    private final ExecutorService workers;
    /** Claimed runs not yet shipped: lease → epoch. */
    private final Map<Long, AgentQueue.Claim> running = new ConcurrentHashMap<>();
    private final Set<Long> fenced = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    private Agent(Workspace workspace, Options options, QueueDb db, ConnectedLab connected) {
        this.options = options;
        this.db = db;
        this.workspace = workspace;
        this.locks = testbed.testrun.TentacleLocks.in(workspace.settings().lockDir());
        this.connected = connected;
        this.queue = new AgentQueue(db, options.host(), options.lease());
        this.beats = new AgentQueue(db.another(), options.host(), options.lease());
        this.wakeups = new Notifications(db.another(), Set.of(Notifications.HOST));
        connected.discovery().found().forEach(f -> {
            tentacles.put(f.dut().tentacle().serial(), f.dut().tentacle());
            duts.put(f.dut().tentacle().serial(), f.dut());
        });
        this.sessions = new Sessions(workspace, duts, workspace.settings().cacheDir().resolve("agent").resolve(safe(options.host())),
                options.python(), options.trust(), options.host());
        this.workers = Executors.newFixedThreadPool(Math.max(1, duts.size()), r -> {
            Thread t = new Thread(r, "run");
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects the lab, registers it and serves the queue until the process is asked to stop. */
    public static void serve(Workspace workspace, Lab lab, String url, Options options, PrintWriter out) throws InterruptedException {
        QueueDb db = QueueDb.open(url, workspace.settings());
        ConnectedLab connected;
        try {
            connected = ConnectedLab.connect(lab, workspace.settings());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        Agent agent = new Agent(workspace, options, db, connected);
        try {
            agent.register(lab, out);
            agent.loop();
        } finally {
            agent.shutdown(out);
            db.close();
        }
    }

    private void register(Lab lab, PrintWriter out) {
        Discovery d = connected.discovery();
        d.missing().forEach(m -> out.println("not found: " + m.tentacle().label() + " (" + m.reason() + ")"));
        if (tentacles.isEmpty()) {
            throw new LabException("no tentacle of lab '" + lab.name() + "' is connected (found 0 of " + lab.tentacles().size() + ")");
        }
        Map<String, String> firmware = new HashMap<>();
        d.found().forEach(f -> f.identity().ifPresent(id -> firmware.put(f.dut().tentacle().serial(), id.firmware())));
        try {
            int lost = queue.register(lab.name(), List.copyOf(tentacles.values()), firmware, lab.usb());
            if (lost > 0) {
                out.println("an earlier agent of host " + options.host() + " left " + lost + " runs: they are lost and go back to their sessions");
            }
        } catch (SQLException e) {
            throw new LabException("queue: host " + options.host() + " cannot register: " + QueueDb.firstLine(e.getMessage()), e);
        }
        out.printf("AGENT %s serving %d tentacles (%s); heartbeat %d s, lease %d s%n", options.host(), tentacles.size(),
                String.join(", ", tentacles.values().stream().map(Tentacle::label).toList()), options.heartbeat().toSeconds(), options.lease().toSeconds());
        out.flush();
    }

    private void loop() throws InterruptedException {
        Thread heart = new Thread(this::heartbeats, "heartbeat");
        heart.setDaemon(true);
        heart.start();
        Runnable stop = testbed.process.Interruption.onRequest(() -> stopping = true);
        try {
            while (!stopping && !testbed.process.Interruption.isRequested()) {
                try {
                    for (AgentQueue.Claim claim : queue.claim()) {
                        running.put(claim.lease(), claim);
                        LOG.info("{}: claimed (lease {}, epoch {})", claim.ticket().testid(), claim.lease(), claim.epoch());
                        workers.submit(() -> execute(claim));
                    }
                } catch (SQLException e) {
                    LOG.warn("queue: cannot claim: {}", e.getMessage());
                }
                wakeups.await(1000); // a new lease wakes us at once; otherwise this is the polling fallback
            }
        } finally {
            stop.run();
            heart.interrupt();
        }
    }

    private void heartbeats() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Map<Long, Long> epochs = new HashMap<>();
                running.values().forEach(c -> epochs.put(c.lease(), c.epoch()));
                for (long lease : beats.heartbeat(epochs)) {
                    fence(lease);
                }
            } catch (SQLException e) {
                LOG.warn("queue: heartbeat failed: {}", e.getMessage()); // the leases run out unless the next one gets through
            }
            try {
                Thread.sleep(options.heartbeat().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The lease is no longer ours: stop the run (power-cycle its boards) and ship nothing of it. */
    private void fence(long lease) {
        AgentQueue.Claim claim = running.get(lease);
        if (claim == null || !fenced.add(lease)) {
            return;
        }
        LOG.warn("{}: lease {} moved on (epoch {} is stale): stopping the run, its results will be discarded", claim.ticket().testid(), lease, claim.epoch());
        for (String serial : claim.ticket().serials()) {
            Dut dut = duts.get(serial);
            if (dut != null) {
                try {
                    dut.powerCycle();
                } catch (testbed.board.BoardIoException | RuntimeException e) {
                    LOG.warn("{}: cannot power-cycle: {}", serial, e.getMessage());
                }
            }
        }
    }

    private void execute(AgentQueue.Claim claim) {
        Sessions.Local local = null;
        try {
            if (claim.ticket().work() == Wire.Work.PROBE) {
                probe(claim);
                return;
            }
            local = sessions.get(claim.session(), () -> queue.session(claim.session()));
            ThreadContext.put("sessionDir", local.results().root().toString());
            Map<testbed.model.BoardVariant, testbed.model.Firmware> own = workspace.firmware();
            for (Wire.Image image : claim.ticket().images()) {
                testbed.model.Firmware fw = Images.resolve(db, image, own, workspace.settings().cacheDir().resolve("agent").resolve("images"));
                local.catalog().put(fw.boardVariant(), fw);
            }
            Map<String, testbed.model.TestRunSpec> specs = local.specs();
            TestRun run = claim.ticket().toRun(s -> Optional.ofNullable(tentacles.get(s)), l -> Optional.ofNullable(specs.get(l)));
            RunReport report = local.executor().execute(run, () -> queue.prepared(claim));
            ship(claim, report, local.results().root());
        } catch (RuntimeException | SQLException e) {
            LOG.error("{}: {}", claim.ticket().testid(), e.getMessage(), e);
            try {
                String message = e.getMessage();
                if (!fenced.contains(claim.lease()) && !queue.finish(claim, Wire.write(new Wire.Report("infra", false, "INTERNAL", Set.of(),
                        "agent " + options.host() + ": " + message, List.of(), Map.of())), new byte[0])) {
                    LOG.warn("{}: lease moved on", claim.ticket().testid());
                }
            } catch (SQLException sql) {
                LOG.warn("{}: cannot report the failure: {}", claim.ticket().testid(), sql.getMessage());
            }
        } finally {
            running.remove(claim.lease());
            fenced.remove(claim.lease());
            ThreadContext.remove("sessionDir");
        }
    }

    /** A health probe the coordinator leased: does this board's MicroPython answer? Under the tentacle's lock, as a run. */
    private void probe(AgentQueue.Claim claim) throws SQLException {
        String serial = claim.ticket().dut();
        Dut dut = duts.get(serial);
        boolean answered = true; // held by another session on this host: in use, so not ours to judge
        try {
            if (dut == null) {
                answered = false;
            } else if (locks.tryLockAll(List.of(serial), "health probe").isEmpty()) {
                try {
                    answered = testbed.lab.IdentityProbe.probe(dut, Duration.ofSeconds(3)).isPresent();
                } finally {
                    locks.unlockAll(List.of(serial));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            answered = false;
        }
        LOG.info("health probe of {}: {}", serial, answered ? "answers" : "no answer");
        if (!fenced.contains(claim.lease()) && !queue.finish(claim, Wire.write(Wire.Report.probe(answered)), new byte[0])) {
            LOG.warn("health probe of {}: lease moved on", serial);
        }
    }

    private void ship(AgentQueue.Claim claim, RunReport report, Path root) throws SQLException {
        List<String> dirs = report.attempts().stream().map(a -> a.directory()).toList();
        if (fenced.contains(claim.lease())) {
            LOG.warn("{}: results discarded: lease {} moved on while it ran", claim.ticket().testid(), claim.lease());
        } else if (finishRetrying(claim, Wire.write(Wire.Report.of(report)), ResultArchive.pack(root, dirs), carried(report))) {
            LOG.info("{}: shipped ({} attempts, {})", claim.ticket().testid(), dirs.size(), report.status().label());
        } else {
            LOG.warn("{}: results discarded: lease {} at epoch {} is no longer this host's", claim.ticket().testid(), claim.lease(), claim.epoch());
        }
        for (String d : dirs) {
            ResultArchive.deleteTree(root.resolve(d)); // in the database now, or worthless
        }
    }

    /**
     * Ships, retrying while the database is away (a restart, a cut network): the results are kept until the write
     * succeeds or the lease is known to have moved on. After a lease time of failures the reaper has given the run
     * away, so the last try can only be refused.
     */
    private boolean finishRetrying(AgentQueue.Claim claim, String report, byte[] archive, Map<String, String> firmware) throws SQLException {
        long until = System.nanoTime() + options.lease().plusSeconds(5).toNanos();
        while (true) {
            try {
                return queue.finish(claim, report, archive, firmware);
            } catch (SQLException e) {
                if (System.nanoTime() > until || fenced.contains(claim.lease())) {
                    throw e;
                }
                LOG.warn("{}: cannot ship yet ({}); trying again", claim.ticket().testid(), QueueDb.firstLine(e.getMessage()));
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** What the run's boards reported last (its last attempt's versions); a board the run left unknown (a failed flash) is left out. */
    private static Map<String, String> carried(RunReport report) {
        Map<String, String> out = new HashMap<>();
        if (!report.attempts().isEmpty()) {
            report.attempts().get(report.attempts().size() - 1).firmware().forEach((serial, version) -> {
                Optional<testbed.model.BoardVariant> known = report.firmware().get(serial);
                if (known == null || known.isPresent()) {
                    out.put(serial, version);
                }
            });
        }
        return out;
    }

    private void shutdown(PrintWriter out) {
        stopping = true;
        connected.close(); // what still runs ends now (boards gone) and is shipped as interrupted
        workers.shutdown();
        try {
            workers.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            queue.leave();
        } catch (SQLException e) {
            LOG.warn("queue: cannot sign off: {}", e.getMessage());
        }
        wakeups.close();
        sessions.close();
        out.println("agent " + options.host() + " stopped");
        out.flush();
    }

    static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
