package testbed.app;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.bartender.BartenderConfig;
import testbed.bartender.DurationEstimator;
import testbed.config.Workspace;
import testbed.history.JdbcHistory;
import testbed.lab.Discovery;
import testbed.lab.drivers.ConnectedLab;
import testbed.model.Firmware;
import testbed.model.Tentacle;
import testbed.report.ReportWriter;
import testbed.results.Xfail;
import testbed.session.PlanRequest;
import testbed.session.RecordedRequest;
import testbed.session.Planner;
import testbed.session.Session;
import testbed.session.SessionInputs;
import testbed.session.SessionFiles;
import testbed.session.SessionListener;
import testbed.session.SessionRecord;
import testbed.session.SessionRecorder;

/** {@code testbed run} and its {@code --dry-run}: one request, the same validation, the same history, the same engine. */
public final class Runs {

    /**
     * @param session what to run, as the session takes it
     * @param probe for a dry run: connect the lab and ask every board what it runs
     * @param xfail known failures, applied when each attempt ends
     */
    public record RunRequest(Session.Request session, Histories.Choice history, Optional<Path> xfail, boolean probe, boolean resume) {

        public BartenderConfig config() {
            return session.config();
        }

        /** The same session, its results in {@code dir}. */
        public RunRequest withResults(Path dir) {
            Session.Request s = session;
            return new RunRequest(new Session.Request(s.lab(), s.selection(), s.config(), s.count(), Optional.of(dir), s.python(), s.commandLine(),
                    s.grace(), s.reportEvery(), s.healthEvery(), s.queue(), s.hostTimeout()), history, xfail, probe, resume);
        }

        /** The same session, running only these test groups (a nightly round that repeats what failed), or {@code GROUP=TESTS}. */
        public RunRequest withOnlyTests(List<String> groups) {
            testbed.selection.SelectionRequest sel = session.selection();
            return withSelection(new testbed.selection.SelectionRequest(groups, sel.skipTests(), sel.onlyFuts(), sel.skipFuts(), sel.onlyBoards(),
                    sel.skipBoards(), sel.onlyTags(), sel.firmware(), sel.referenceBoards(), sel.micropython(), sel.allowDisabled()));
        }

        /** The same session on another MicroPython: one side of a compare, one step of a bisect. */
        public RunRequest withMicropython(testbed.model.MicroPythonSource source) {
            testbed.selection.SelectionRequest sel = session.selection();
            return withSelection(new testbed.selection.SelectionRequest(sel.onlyTests(), sel.skipTests(), sel.onlyFuts(), sel.skipFuts(),
                    sel.onlyBoards(), sel.skipBoards(), sel.onlyTags(), sel.firmware(), sel.referenceBoards(), Optional.of(source), sel.allowDisabled()));
        }

        /** The same session on a queue, giving up a lab host silent for longer than {@code timeout}. */
        public RunRequest withHostTimeout(java.time.Duration timeout) {
            Session.Request s = session;
            return new RunRequest(new Session.Request(s.lab(), s.selection(), s.config(), s.count(), s.results(), s.python(), s.commandLine(), s.grace(),
                    s.reportEvery(), s.healthEvery(), s.queue(), timeout), history, xfail, probe, resume);
        }

        /** The same session, each work item run {@code count} times. */
        public RunRequest withCount(int count) {
            Session.Request s = session;
            return new RunRequest(new Session.Request(s.lab(), s.selection(), s.config(), count, s.results(), s.python(), s.commandLine(), s.grace(),
                    s.reportEvery(), s.healthEvery(), s.queue(), s.hostTimeout()), history, xfail, probe, resume);
        }

        private RunRequest withSelection(testbed.selection.SelectionRequest selection) {
            Session.Request s = session;
            return new RunRequest(new Session.Request(s.lab(), selection, s.config(), s.count(), s.results(), s.python(), s.commandLine(), s.grace(),
                    s.reportEvery(), s.healthEvery(), s.queue(), s.hostTimeout()), history, xfail, probe, resume);
        }
    }

    /**
     * Everything a request needs checked before anything is touched (data files, names, the lab or queue, the xfail
     * list): what {@code run} checks first, and what {@code nightly} checks of every round before the first starts.
     */
    public static void validate(Workspace workspace, RunRequest request) {
        LabSource lab = LabSource.of(workspace, request.session());
        SessionInputs.load(workspace, lab.inventory(), request.session().selection(), lab.disabled());
        request.xfail().ifPresent(Xfail::load);
        Histories.checkUrl(request.history(), workspace.settings());
    }

    /**
     * The request that continues the interrupted or killed session in {@code resultsDir}, as it recorded it: the same
     * lab, selection and options, its MicroPython source pinned to the commit it ran. Empty for a session.json from
     * before requests were recorded.
     */
    public static Optional<RunRequest> resumeRequest(Workspace workspace, SessionRecord previous, Path resultsDir) {
        RecordedRequest r = previous.request();
        if (r == null) {
            return Optional.empty();
        }
        Session.Request session = r.toRequest(src -> testbed.source.Sources.pinned(src.origin(), Optional.ofNullable(src.commit()),
                Optional.ofNullable(src.tests()), src.hasRoot(), workspace.settings().cacheDir()), previous.commandLine(), Optional.of(resultsDir));
        Optional<String> history = Optional.ofNullable(r.historyUrl()).filter(u -> !u.contains("***")); // a password is never recorded
        return Optional.of(new RunRequest(session, new Histories.Choice(r.useHistory(), history), Optional.ofNullable(r.xfail()).map(Path::of), false,
                true));
    }

    /** @param reportProblem why the reports could not be written, if they could not */
    public record RunResult(Session.Result session, Optional<String> reportProblem) {}

    private Runs() {}

    public static RunResult run(Workspace workspace, RunRequest request, SessionListener listener, Clock clock) {
        // All input is checked before anything is touched: data files, names, the xfail list, then the history.
        LabSource lab = LabSource.of(workspace, request.session());
        Session.Request session = withLabReferences(request.session(), lab.inventory());
        SessionInputs inputs = SessionInputs.load(workspace, lab.inventory(), session.selection(), lab.disabled());
        Xfail known = request.xfail().map(Xfail::load).orElse(Xfail.NONE);
        Optional<JdbcHistory> history = Histories.open(request.history(), workspace.settings());
        try {
            // A session the history was left without (the marker says so) is replayed from its files before they move to the archive.
            history.filter(h -> !request.resume()).ifPresent(h -> HistoryImport.catchUp(h, session.results().orElse(workspace.resultsDir()))
                    .forEach(i -> listener.message("history: recorded " + i.runs() + " runs of session " + i.sessionId() + " from " + i.dir())));
            SessionRecorder recorder = history.<SessionRecorder>map(h -> h).orElse(SessionRecorder.NONE);
            Session s = new Session(workspace, session, listener, clock, recorder, Histories.estimator(history), known)
                    .recording(RecordedRequest.of(session, request.history().use(), request.history().url(), request.xfail()));
            if (request.resume()) {
                s.resuming(SessionFiles.read(session.results().orElse(workspace.resultsDir())));
            }
            Session.Result result = s
                    .withReporter(record -> {
                        try {
                            ReportWriter.write(record, session.results().orElse(workspace.resultsDir()), history.<testbed.history.History>map(h -> h));
                        } catch (RuntimeException e) {
                            org.apache.logging.log4j.LogManager.getLogger(Runs.class).warn("reports: {}", e.getMessage());
                        }
                    }).run(inputs, () -> lab.connect(inputs.selection()));
            Optional<String> problem = Optional.empty();
            try {
                ReportWriter.write(result.record(), result.resultsDir(), history.<testbed.history.History>map(h -> h));
            } catch (RuntimeException e) {
                problem = Optional.of(String.valueOf(e.getMessage()));
            }
            return new RunResult(result, problem);
        } finally {
            history.ifPresent(JdbcHistory::close);
        }
    }

    /**
     * The plan of the same request: what it would start, where and when, with the estimates a session would use and
     * what the boards are known to carry (a probe, else the lab driver's stored images, else the history's last runs).
     */
    public static Planner.Plan plan(Workspace workspace, RunRequest request) {
        LabSource lab = LabSource.of(workspace, request.session());
        Session.Request session = withLabReferences(request.session(), lab.inventory());
        SessionInputs inputs = SessionInputs.load(workspace, lab.inventory(), session.selection(), lab.disabled());
        request.xfail().ifPresent(Xfail::load); // the same checks as the run it plans
        PlanRequest plan = new PlanRequest(session.lab(), session.selection(), session.config(), request.probe());
        Optional<JdbcHistory> history = Histories.open(request.history(), workspace.settings());
        try {
            DurationEstimator estimator = Histories.estimator(history);
            Optional<LabSource.Known> known = lab.knownFirmware();
            if (known.isPresent()) {
                // The agents' boards: what each reported when its agent found it.
                return Planner.plan(inputs, inputs.lab().tentacles(), plan, estimator, known.get().versions(), known.get().from(), session.grace());
            }
            if (request.probe()) {
                try (ConnectedLab connected = ConnectedLab.connect(inputs.lab().only(serials(inputs.selection())), workspace.settings())) {
                    Map<String, String> versions = new LinkedHashMap<>();
                    for (Discovery.Found f : connected.discovery().found()) {
                        f.identity().ifPresent(id -> versions.put(f.dut().tentacle().serial(), id.firmware()));
                    }
                    return Planner.plan(inputs, connected.discovery().tentacles(), plan, estimator, versions, "probed", session.grace());
                }
            }
            Map<String, String> versions = new LinkedHashMap<>();
            String from = "none known";
            if (history.isPresent()) {
                Map<String, String> bySerial = bySerial(inputs.lab().tentacles(), history.get().lastFirmware(inputs.lab().name()));
                versions.putAll(bySerial);
                from = bySerial.isEmpty() ? from : "the history's last runs";
            }
            Map<String, String> stored = storedVersions(inputs.catalog(), ConnectedLab.storedImages(inputs.lab(), workspace.settings()));
            if (!stored.isEmpty()) {
                versions.putAll(stored); // the boards' own stores beat the history
                from = versions.size() > stored.size() ? "stored images and the history" : "the lab's stored images";
            }
            return Planner.plan(inputs, inputs.lab().tentacles(), plan, estimator, versions, from, session.grace());
        } finally {
            history.ifPresent(JdbcHistory::close);
        }
    }

    /**
     * The lab's own reference boards ({@code reference_boards} in its file) when the command named none: the virtual
     * lab's unix boards serve each other, a real lab's RPI_PICO_W does by default.
     */
    static Session.Request withLabReferences(Session.Request s, testbed.model.Lab lab) {
        if (!lab.usb().equals(s.config().usb())) {
            // The lab's USB limits (usb_load in its file) are the bartender's, whatever the command line says.
            s = new Session.Request(s.lab(), s.selection(), s.config().withUsb(lab.usb()), s.count(), s.results(), s.python(), s.commandLine(),
                    s.grace(), s.reportEvery(), s.healthEvery(), s.queue(), s.hostTimeout());
        }
        if (!s.selection().referenceBoards().isEmpty() || lab.referenceBoards().isEmpty()) {
            return s;
        }
        testbed.selection.SelectionRequest sel = s.selection();
        java.util.Set<String> refs = new java.util.LinkedHashSet<>(lab.referenceBoards());
        testbed.selection.SelectionRequest withRefs = new testbed.selection.SelectionRequest(sel.onlyTests(), sel.skipTests(), sel.onlyFuts(),
                sel.skipFuts(), sel.onlyBoards(), sel.skipBoards(), sel.onlyTags(), sel.firmware(), refs, sel.micropython(), sel.allowDisabled());
        return new Session.Request(s.lab(), withRefs, s.config().withReferenceBoards(refs), s.count(), s.results(), s.python(), s.commandLine(),
                s.grace(), s.reportEvery(), s.healthEvery(), s.queue(), s.hostTimeout());
    }

    /** The tentacles a selection may use: its DUTs and its reference pool. */
    private static java.util.Set<String> serials(testbed.selection.Selection selection) {
        java.util.Set<String> serials = new java.util.HashSet<>();
        selection.duts().forEach(t -> serials.add(t.serial()));
        selection.referencePool().forEach(t -> serials.add(t.serial()));
        return serials;
    }

    private static Map<String, String> bySerial(List<Tentacle> tentacles, Map<String, String> byLabel) {
        Map<String, String> out = new LinkedHashMap<>();
        tentacles.forEach(t -> Optional.ofNullable(byLabel.get(t.label())).ifPresent(v -> out.put(t.serial(), v)));
        return out;
    }

    /** A stored image is a catalog firmware when its bytes hash to that firmware's image. */
    private static Map<String, String> storedVersions(Map<testbed.model.BoardVariant, Firmware> catalog, Map<String, Path> images) {
        Map<String, String> byHash = new HashMap<>();
        catalog.values().forEach(fw -> sha256(fw.image()).ifPresent(h -> byHash.putIfAbsent(h, fw.version())));
        Map<String, String> out = new LinkedHashMap<>();
        images.forEach((serial, image) -> sha256(image).map(byHash::get).ifPresent(v -> out.put(serial, v)));
        return out;
    }

    private static Optional<String> sha256(Path file) {
        try {
            return Optional.of(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(file))));
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            return Optional.empty(); // an image still to be built, or gone: nothing known
        }
    }
}
