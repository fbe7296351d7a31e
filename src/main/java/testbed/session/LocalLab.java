package testbed.session;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.config.Settings;
import testbed.engine.LabBackend;
import testbed.flash.Flasher;
import testbed.flash.ToolLocator;
import testbed.lab.Discovery;
import testbed.lab.Dut;
import testbed.lab.drivers.ConnectedLab;
import testbed.model.Tentacle;
import testbed.results.RunReport;
import testbed.testrun.TentacleLocks;
import testbed.testrun.TestRunExecutor;

/** The boards connected to this host: runs go through the {@link TestRunExecutor} on worker threads. */
final class LocalLab implements SessionLab {

    private final ConnectedLab connected;
    private final Map<String, Dut> duts = new HashMap<>();
    private final Map<String, String> reported = new LinkedHashMap<>();
    private TestRunExecutor executor;
    private RealLab lab;

    LocalLab(ConnectedLab connected) {
        this.connected = connected;
        connected.discovery().found().forEach(f -> {
            duts.put(f.dut().tentacle().serial(), f.dut());
            f.identity().ifPresent(id -> reported.put(f.dut().tentacle().serial(), id.firmware()));
        });
    }

    @Override
    public List<Tentacle> tentacles() {
        return connected.discovery().tentacles();
    }

    @Override
    public Map<String, String> reported() {
        return reported;
    }

    @Override
    public List<Discovery.Missing> missing() {
        return connected.discovery().missing();
    }

    @Override
    public List<String> unknown() {
        return connected.discovery().unknown();
    }

    @Override
    public LabBackend backend(Context c) {
        Settings settings = c.workspace().settings();
        Session.Request request = c.request();
        TentacleLocks locks = TentacleLocks.in(settings.lockDir());
        executor = new TestRunExecutor(new TestRunExecutor.Settings(request.count(), request.config().flashSkip(), request.config().flashForce(),
                c.workspace().specsDir(), request.selection().micropython(), testbed.process.Python.forRunners(request.python()), settings.cacheDir(),
                c.inputs().catalog(), c.sessionId(), c.xfail()), duts, c.results(), locks, new Flasher(ToolLocator.onPath(settings.path())), c.clock());
        lab = new RealLab(executor, locks, c.results().root(), c.clock(), duts,
                request.selection().micropython().flatMap(testbed.model.MicroPythonSource::root));
        return lab;
    }

    @Override
    public List<RunReport> stopRuns(boolean cut, Duration max) {
        if (cut) {
            executor.cutShort();
        }
        connected.close(); // the boards go: what still runs ends now, as interrupted (nobody is blamed)
        return lab.drain(max);
    }

    @Override
    public List<RunReport> awaitRuns(Duration max) {
        return lab.drain(max);
    }

    @Override
    public void close() {
        if (lab != null) {
            lab.close();
        }
        connected.close();
    }
}
