package testbed.queue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import testbed.config.Settings;
import testbed.config.Workspace;
import testbed.lab.Dut;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.LabException;
import testbed.model.MicroPythonSource;
import testbed.model.TestRunSpec;
import testbed.results.ResultsDir;
import testbed.source.Sources;
import testbed.testrun.TestRunExecutor;

/**
 * An agent's side of each session it serves: a work folder for the attempts until they are shipped, and an executor
 * set up as the coordinator's session would set up its own (count, flash flags, the MicroPython source at the same
 * commit, the known failures).
 */
final class Sessions implements AutoCloseable {

    /**
     * @param specs the test groups by label, runners replaced as the coordinator's selection replaced them
     * @param catalog what the executor flashes: filled from each ticket's images before its run (the coordinator's
     *     firmware, by content), so this host's own {@code firmware/} may lack them
     */
    record Local(ResultsDir results, TestRunExecutor executor, Map<String, TestRunSpec> specs, Map<BoardVariant, Firmware> catalog) {}

    interface SettingsLookup {
        Optional<Wire.SessionSettings> get() throws SQLException;
    }

    private final Workspace workspace;
    private final Map<String, Dut> duts;
    private final Path workRoot;
    private final String python;
    private final AgentTrust trust;
    private final String host;
    private final Map<String, Local> sessions = new ConcurrentHashMap<>();

    Sessions(Workspace workspace, Map<String, Dut> duts, Path workRoot, String python, AgentTrust trust, String host) {
        this.workspace = workspace;
        this.trust = trust;
        this.host = host;
        this.duts = Map.copyOf(duts);
        this.workRoot = workRoot;
        this.python = python;
    }

    synchronized Local get(String session, SettingsLookup lookup) throws SQLException {
        Local local = sessions.get(session);
        if (local != null) {
            return local;
        }
        Wire.SessionSettings s = lookup.get().orElseThrow(() -> new LabException("session " + session + " is not in the queue"));
        trust.check(s, host); // before anything of the settings is used
        Settings settings = workspace.settings();
        ResultsDir results = new ResultsDir(workRoot.resolve(Agent.safe(session)));
        results.prepareResume(); // an agent restarted in the same session continues its letters
        TestRunExecutor.touchLogs(results.root());
        Map<BoardVariant, Firmware> catalog = new ConcurrentHashMap<>();
        TestRunExecutor executor = TestRunExecutor.onHost(settings, new TestRunExecutor.Settings(s.count(), s.flashSkip(), s.flashForce(),
                workspace.specsDir(), source(s, settings.cacheDir()), testbed.process.Python.forRunners(python), settings.cacheDir(), catalog, s.session(),
                s.xfail() == null ? testbed.results.Xfail.NONE : s.xfail()), duts, results, Clock.systemUTC());
        Map<String, TestRunSpec> specs = new java.util.LinkedHashMap<>();
        workspace.specs().forEach(spec -> specs.put(spec.label(), spec));
        if (s.commands() != null) {
            s.commands().forEach((label, command) -> specs.computeIfPresent(label, (l, spec) -> spec.withRunner(
                    new testbed.model.RunnerSpec.External(java.util.Arrays.asList(command.split("\\s+")), Map.of()))));
        }
        local = new Local(results, executor, Map.copyOf(specs), catalog);
        sessions.put(session, local);
        return local;
    }

    /** The session's MicroPython here: the same commit of a git source (a branch that moved must not change what runs). */
    static Optional<MicroPythonSource> source(Wire.SessionSettings s, Path cacheDir) {
        if (s.micropythonOrigin() == null) {
            return Optional.empty();
        }
        return Optional.of(Sources.pinned(s.micropythonOrigin(), Optional.ofNullable(s.micropythonCommit()), Optional.ofNullable(s.micropythonTests()),
                s.micropythonHasRoot(), cacheDir));
    }

    @Override
    public void close() {
        sessions.values().forEach(l -> l.results().close());
    }
}
