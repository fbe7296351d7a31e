package testbed.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import testbed.engine.LabBackend;
import testbed.lab.Discovery;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.results.ResultsDir;
import testbed.results.RunReport;

/**
 * The lab a session drives: which tentacles it has and where their runs happen. {@link LocalLab}: the boards on this
 * host; {@code testbed.queue.QueueSessionLab}: the agents of a queue. The app chooses which, once. The session, the engine and the records are the same for both.
 */
public interface SessionLab extends AutoCloseable {

    /** The tentacles found, usable now. */
    List<Tentacle> tentacles();

    /** What each tentacle's board said it runs at discovery (serial → version text). */
    Map<String, String> reported();

    List<Discovery.Missing> missing();

    /** Missing tentacles whose device is watched: they join the session when they appear (plugged in, powered back). */
    default List<Tentacle> awaited() {
        return List.of();
    }

    List<String> unknown();

    /** What a run needs on this lab that the session decides: results, session id, inputs. */
    record Context(SessionInputs inputs, Session.Request request, ResultsDir results, String sessionId, testbed.results.Xfail xfail,
            testbed.config.Workspace workspace, java.time.Clock clock) {

        /** How this session's runs execute, on whichever host runs them. */
        public testbed.testrun.TestRunExecutor.Settings executorSettings() {
            return new testbed.testrun.TestRunExecutor.Settings(request.count(), request.config().flashSkip(), request.config().flashForce(),
                    workspace.specsDir(), request.selection().micropython(), testbed.process.Python.forRunners(request.python()),
                    workspace.settings().cacheDir(), inputs.catalog(), sessionId, xfail);
        }
    }

    /** Connects a session's lab, once the session has set its results folder aside. */
    @FunctionalInterface
    interface Connector {
        SessionLab connect();
    }

    /** The engine's backend for the session; called once. */
    LabBackend backend(Context context);

    /**
     * Runs that went on while this coordinator was away (a resumed queue session): each is taken into the bartender as
     * running, so it is not started twice; its end arrives through the backend as any run's does.
     */
    default List<TestRun> adopt(testbed.bartender.TestBartender bartender, SessionRecord previous) {
        return List.of();
    }

    /**
     * After the engine stopped: ends what still runs (the boards released, or a time box's end: {@code cut}) and
     * returns what those runs reported within {@code max}.
     */
    List<RunReport> stopRuns(boolean cut, Duration max);

    /** After the engine stopped with the boards left alone (results/ full): what the running runs report by themselves. */
    List<RunReport> awaitRuns(Duration max);

    @Override
    void close();
}
