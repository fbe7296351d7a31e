package testbed.session;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.config.Settings;
import testbed.engine.LabBackend;
import testbed.flash.FirmwareBuilds;
import testbed.lab.Discovery;
import testbed.lab.Dut;
import testbed.lab.drivers.ConnectedLab;
import testbed.model.Lab;
import testbed.model.MicroPythonSource;
import testbed.model.Tentacle;
import testbed.results.RunReport;
import testbed.testrun.TestRunExecutor;

/** The boards connected to this host: runs go through the {@link TestRunExecutor} on worker threads. */
public final class LocalLab implements SessionLab {

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
        // Tentacles not there yet whose device the driver can watch: the session takes them in once they appear.
        connected.discovery().missing().forEach(m -> m.watch().ifPresent(d -> duts.put(m.tentacle().serial(), d)));
    }

    @Override
    public List<Tentacle> awaited() {
        return connected.discovery().missing().stream().filter(m -> m.watch().isPresent()).map(Discovery.Missing::tentacle).toList();
    }

    /** Connects the boards of this host's lab that the session may use ({@code only}: their serials; empty: all). */
    public static LocalLab connect(Lab lab, Settings settings) {
        return new LocalLab(ConnectedLab.connect(lab, settings));
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
        Session.Request request = c.request();
        executor = TestRunExecutor.onHost(c.workspace().settings(), c.executorSettings(), duts, c.results(), c.clock());
        lab = new RealLab(executor, executor.locks(), c.results().root(), c.clock(), duts,
                new FirmwareBuilds(request.selection().micropython().flatMap(MicroPythonSource::root), c.results().root(),
                        c.workspace().settings().cacheDir()));
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
