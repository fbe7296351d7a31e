package testbed.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything testbed takes from its surroundings, read once in {@code Main} from the {@code TESTBED_*} variables and
 * defaults; no other class reads the environment. Tests build their own, pointing every folder into a temporary one.
 *
 * @param stateDir what outlives a session on this host: the default history, the virtual boards' flash
 * @param cacheDir downloads and unpacked helpers (the virtual lab's node package), shared by sessions
 * @param lockDir one lock file per tentacle serial, shared by every testbed process on the host
 * @param runDir per-process scratch: the virtual lab's serial device links
 * @param historyUrl the default {@code --history}; empty means SQLite in the state folder
 * @param lab the default {@code --lab}
 * @param python the default {@code --python} for MicroPython's own runners
 * @param micropythonTests the default {@code --micropython-tests}
 * @param path the {@code PATH} searched for external tools
 * @param trigger {@code ci} under CI, else {@code manual}: recorded with each session
 */
public record Settings(
        Path stateDir,
        Path cacheDir,
        Path lockDir,
        Path runDir,
        Optional<String> historyUrl,
        Optional<String> historyUser,
        Optional<String> historyPassword,
        String lab,
        String python,
        Optional<Path> micropythonTests,
        String path,
        String trigger,
        String user) {

    /** The variables testbed reads, for {@code --help} and {@code doctor}. */
    public static final String STATE_DIR = "TESTBED_STATE_DIR";
    public static final String CACHE_DIR = "TESTBED_CACHE_DIR";
    public static final String LOCK_DIR = "TESTBED_LOCK_DIR";
    public static final String RUN_DIR = "TESTBED_RUN_DIR";
    public static final String HISTORY = "TESTBED_HISTORY";
    public static final String HISTORY_USER = "TESTBED_HISTORY_USER";
    public static final String HISTORY_PASSWORD = "TESTBED_HISTORY_PASSWORD";
    public static final String LAB = "TESTBED_LAB";
    public static final String PYTHON = "TESTBED_PYTHON";
    public static final String MICROPYTHON_TESTS = "TESTBED_MICROPYTHON_TESTS";

    public Settings {
        stateDir = stateDir.toAbsolutePath().normalize();
        cacheDir = cacheDir.toAbsolutePath().normalize();
        lockDir = lockDir.toAbsolutePath().normalize();
        runDir = runDir.toAbsolutePath().normalize();
    }

    /** From the process environment and JVM properties: the one place that reads them. */
    public static Settings fromEnvironment() {
        return from(System.getenv(), System.getProperty("user.home"), System.getProperty("java.io.tmpdir"), System.getProperty("user.name"));
    }

    /** From a map of variables, with the home and temp folders the defaults are relative to. */
    public static Settings from(Map<String, String> env, String home, String tmp, String user) {
        Path cache = Path.of(home, ".cache", "testbed");
        Path state = dir(env, STATE_DIR).orElse(cache);
        return new Settings(
                state,
                dir(env, CACHE_DIR).orElse(cache),
                dir(env, LOCK_DIR).orElse(Path.of(tmp, "testbed-locks")),
                dir(env, RUN_DIR).orElse(Path.of(tmp, "testbed-" + user)),
                value(env, HISTORY),
                value(env, HISTORY_USER),
                value(env, HISTORY_PASSWORD),
                value(env, LAB).orElse("virtual"),
                value(env, PYTHON).orElse("python3"),
                dir(env, MICROPYTHON_TESTS),
                env.getOrDefault("PATH", ""),
                env.containsKey("CI") ? "ci" : "manual",
                user == null ? "" : user);
    }

    /** Every folder under {@code root}, the rest as on this host: for tests and throw-away sessions. */
    public static Settings isolated(Path root, Path cacheDir) {
        Settings host = fromEnvironment();
        return new Settings(root.resolve("state"), cacheDir, root.resolve("locks"), root.resolve("run"), Optional.empty(), Optional.empty(),
                Optional.empty(), "virtual", host.python(), Optional.empty(), host.path(), host.trigger(), host.user());
    }


    /** The same settings, sessions recorded with this trigger (e.g. {@code nightly:<id>}, which links a nightly's rounds). */
    public Settings withTrigger(String newTrigger) {
        return new Settings(stateDir, cacheDir, lockDir, runDir, historyUrl, historyUser, historyPassword, lab, python, micropythonTests, path,
                newTrigger, user);
    }

    /** The history URL in effect: {@code $TESTBED_HISTORY}, else SQLite in the state folder. */
    public String effectiveHistoryUrl() {
        return historyUrl.orElse("jdbc:sqlite:" + stateDir.resolve("history.sqlite"));
    }

    /** Name → value, as {@code testbed doctor} prints them (the password hidden). */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("state dir", stateDir + " ($" + STATE_DIR + ")");
        m.put("cache dir", cacheDir + " ($" + CACHE_DIR + ")");
        m.put("lock dir", lockDir + " ($" + LOCK_DIR + ")");
        m.put("run dir", runDir + " ($" + RUN_DIR + ")");
        m.put("history", effectiveHistoryUrl().replaceAll("password=[^&]*", "password=***") + " ($" + HISTORY + ")");
        m.put("history user", historyUser.orElse("-") + " ($" + HISTORY_USER + ", password " + (historyPassword.isPresent() ? "set" : "not set") + ")");
        m.put("default lab", lab + " ($" + LAB + ")");
        m.put("python", python + " ($" + PYTHON + ")");
        m.put("micropython tests", micropythonTests.map(Path::toString).orElse("-") + " ($" + MICROPYTHON_TESTS + ")");
        m.put("trigger", trigger + " ($CI)");
        return m;
    }

    private static Optional<Path> dir(Map<String, String> env, String name) {
        return value(env, name).map(Path::of);
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }
}
