package testbed.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.config.Workspace;
import testbed.history.History;
import testbed.history.JdbcHistory;

/** {@code testbed history}: what the lab has seen across sessions and boards. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "Query the history of all sessions: sessions, pass rates, flaky tests, "
        + "regressions, benchmark series, durations.",
        subcommands = {HistoryCommand.Sessions.class, HistoryCommand.Sut.class, HistoryCommand.Flaky.class, HistoryCommand.Regressions.class,
            HistoryCommand.Perf.class, HistoryCommand.Durations.class, HistoryCommand.Changes.class, HistoryCommand.Import.class})
final class HistoryCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing query: sessions, sut, flaky, regressions, perf, durations or import");
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Record sessions the history lacks from their results folders (session.json, runs.jsonl, run.json); "
                    + "a folder with archive/ below it imports every session in it. Importing twice changes nothing.")
    static final class Import implements Callable<Integer> {
        private final Workspace workspace;

        @Spec
        CommandSpec spec;

        @Mixin
        HistoryOptions history;

        @Parameters(arity = "1..*", paramLabel = "DIR", description = "A session's results folder, or a results folder with archive/.")
        List<java.nio.file.Path> dirs;

        Import(Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() {
            try (JdbcHistory h = testbed.app.Histories.open(history.choice(), workspace.settings()).orElseThrow()) {
                for (var i : testbed.app.HistoryImport.importAll(h, dirs)) {
                    spec.commandLine().getOut().printf("%s: session %s, %d runs recorded%n", i.dir(), i.sessionId(), i.runs());
                }
            }
            return ExitCodes.OK;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The options every query shares, and the open-print-close around it. */
    abstract static class Query implements Callable<Integer> {
        final Workspace workspace;

        @Spec
        CommandSpec spec;

        @Mixin
        HistoryOptions history;

        @Option(names = "--json", description = "JSON for machines instead of a table.")
        boolean json;

        Query(Workspace workspace) {
            this.workspace = workspace;
        }

        abstract Object query(History h);

        abstract Table table(Object rows);

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (JdbcHistory h = testbed.app.Histories.open(history.choice(), workspace.settings()).orElseThrow()) {
                Object rows = query(h);
                if (json) {
                    out.println(JSON.writeValueAsString(rows));
                } else if (rows instanceof List<?> list && list.isEmpty()) {
                    out.println("(nothing in the history matches)");
                } else {
                    table(rows).print(out, "");
                }
            }
            return ExitCodes.OK;
        }
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    @Command(name = "sessions", mixinStandardHelpOptions = true, description = "List sessions, newest first.")
    static final class Sessions extends Query {
        @Option(names = "--lab", paramLabel = "NAME", description = "Only this lab.")
        String lab;

        @Option(names = "--board", paramLabel = "BOARD|TAG", description = "Only sessions that tested this board.")
        String board;

        @Option(names = "--since", paramLabel = "DATE", description = "Only sessions started on or after this date (2026-11-23 or an ISO time).")
        String since;

        @Option(names = "--limit", defaultValue = "50", description = "At most N sessions (default: ${DEFAULT-VALUE}).")
        int limit;

        Sessions(Workspace workspace) {
            super(workspace);
        }

        @Override
        Object query(History h) {
            return h.sessions(new History.SessionFilter(Optional.ofNullable(lab), Optional.ofNullable(board), Optional.ofNullable(since), limit));
        }

        @Override
        Table table(Object rows) {
            Table t = new Table("session", "lab", "host", "trigger", "started", "duration", "status", "verdict", "runs", "failed runs", "firmware");
            for (History.SessionRow r : cast(rows, History.SessionRow.class)) {
                t.row(r.id(), r.lab(), r.host(), r.trigger(), r.timeStart().length() > 19 ? r.timeStart().substring(0, 19) : r.timeStart(),
                        String.format(Locale.ROOT, "%.0fs", r.durationSeconds()), r.status().label(), r.verdict() == null ? "" : r.verdict().label(), String.valueOf(r.runs()),
                        String.valueOf(r.failedRuns()), r.firmware().isEmpty() ? "(all)" : r.firmware());
            }
            return t;
        }
    }

    @Command(name = "sut", mixinStandardHelpOptions = true, description = "Pass rate per test group of one board (or board-variant) over its last sessions.")
    static final class Sut extends Query {
        @Parameters(paramLabel = "BOARD[-VARIANT]")
        String boardVariant;

        @Option(names = "--last", defaultValue = "10", description = "Sessions to look at (default: ${DEFAULT-VALUE}).")
        int last;

        Sut(Workspace workspace) {
            super(workspace);
        }

        @Override
        Object query(History h) {
            return h.passRates(boardVariant, last);
        }

        @Override
        Table table(Object rows) {
            Table t = new Table("group", "board-variant", "sessions", "runs", "passed runs", "tests", "passed tests", "pass rate");
            for (History.GroupPassRate r : cast(rows, History.GroupPassRate.class)) {
                t.row(r.testgroup(), r.boardVariant(), String.valueOf(r.sessions()), String.valueOf(r.runs()), String.valueOf(r.passedRuns()),
                        String.valueOf(r.tests()), String.valueOf(r.passedTests()), pct(r.passRate()));
            }
            return t;
        }
    }

    @Command(name = "flaky", mixinStandardHelpOptions = true,
            description = "Tests with mixed outcomes across attempts or sessions on the same tentacle and firmware, with their flip rate.")
    static final class Flaky extends Query {
        @Option(names = "--last", defaultValue = "20", description = "Sessions to look at (default: ${DEFAULT-VALUE}).")
        int last;

        Flaky(Workspace workspace) {
            super(workspace);
        }

        @Override
        Object query(History h) {
            return h.flaky(last);
        }

        @Override
        Table table(Object rows) {
            Table t = new Table("group", "test", "tentacle", "board-variant", "firmware", "observations", "failures", "flips", "flip rate");
            for (History.FlakyTest r : cast(rows, History.FlakyTest.class)) {
                t.row(r.testgroup(), r.test(), r.tentacle(), r.boardVariant(), r.firmware(), String.valueOf(r.observations()), String.valueOf(r.failures()),
                        String.valueOf(r.flips()), pct(r.flipRate()));
            }
            return t;
        }
    }

    @Command(name = "regressions", mixinStandardHelpOptions = true,
            description = "Tests that passed on firmware A and fail on firmware B, per board-variant (A and B match the firmware text as a substring).")
    static final class Regressions extends Query {
        @Option(names = "--from", required = true, paramLabel = "FIRMWARE_A")
        String from;

        @Option(names = "--to", required = true, paramLabel = "FIRMWARE_B")
        String to;

        Regressions(Workspace workspace) {
            super(workspace);
        }

        @Override
        Object query(History h) {
            return h.regressions(from, to);
        }

        @Override
        Table table(Object rows) {
            Table t = new Table("board-variant", "tentacle", "group", "test", "passed on", "fails on", "outcome", "session");
            for (History.Regression r : cast(rows, History.Regression.class)) {
                t.row(r.boardVariant(), r.tentacle(), r.testgroup(), r.test(), r.fromFirmware(), r.toFirmware(), r.toOutcome(), r.session());
            }
            return t;
        }
    }

    @Command(name = "perf", mixinStandardHelpOptions = true, description = "Benchmark series per board-variant and size (run-perfbench.py's N and M): "
            + "mean, noise band (the largest of 3σ, 5 %, three times the benchmark's own spread) and the sessions where it left the band.")
    static final class Perf extends Query {
        @Option(names = "--board", paramLabel = "BOARD[-VARIANT]", description = "Only this board.")
        String board;

        Perf(Workspace workspace) {
            super(workspace);
        }

        @Override
        Object query(History h) {
            return h.perf(Optional.ofNullable(board));
        }

        @Override
        Table table(Object rows) {
            Table t = new Table("board-variant", "benchmark", "params", "points", "last", "mean", "band", "changes at", "last firmware");
            for (History.PerfSeries r : cast(rows, History.PerfSeries.class)) {
                t.row(r.boardVariant(), r.name(), r.params().isEmpty() ? "-" : r.params(), String.valueOf(r.values().size()),
                        String.format(Locale.ROOT, "%.0f %s", r.values().get(r.values().size() - 1), r.unit()),
                        String.format(Locale.ROOT, "%.1f", r.mean()), String.format(Locale.ROOT, "± %.1f", r.band()),
                        r.changes().isEmpty() ? "-" : r.changes().stream().map(i -> r.sessions().get(i)).reduce((a, b) -> a + "," + b).orElse(""),
                        r.firmware().get(r.firmware().size() - 1));
            }
            return t;
        }
    }

    @Command(name = "durations", mixinStandardHelpOptions = true,
            description = "Duration per (test group, board kind): the estimates the scheduler uses once history exists.")
    static final class Durations extends Query {
        Durations(Workspace workspace) {
            super(workspace);
        }

        @Override
        Object query(History h) {
            return h.durations();
        }

        @Override
        Table table(Object rows) {
            Table t = new Table("group", "board kind", "firmware", "role", "runs", "mean", "p90");
            for (History.DurationStats r : cast(rows, History.DurationStats.class)) {
                t.row(r.key().testgroup(), r.key().kind(), r.key().boardVariant().name(), r.key().role().label(), String.valueOf(r.runs()), String.format(Locale.ROOT, "%.1fs", r.meanSeconds()),
                        String.format(Locale.ROOT, "%.1fs", r.p90Seconds()));
            }
            return t;
        }
    }

    @Command(name = "changes", mixinStandardHelpOptions = true,
            description = "What changed in a session (default: the newest) since the last comparable one: new failures, fixed tests, "
                    + "flaky tests, benchmarks outside their noise band.")
    static final class Changes extends Query {
        @Parameters(arity = "0..1", paramLabel = "SESSION", description = "A session id (default: the newest).")
        String session;

        Changes(Workspace workspace) {
            super(workspace);
        }

        @Override
        Object query(History h) {
            String id = session != null ? session
                    : h.sessions(History.SessionFilter.newest()).stream().findFirst().map(History.SessionRow::id)
                            .orElseThrow(() -> new testbed.model.InvalidInputException("history: no session recorded yet"));
            History.Changes c = h.changes(id);
            List<Object[]> rows = new java.util.ArrayList<>();
            c.regressions().forEach(t -> rows.add(new Object[] {"new failure", t.testgroup(), t.test() + " on " + t.tentacle(), t.before() + " -> " + t.now()}));
            c.fixed().forEach(t -> rows.add(new Object[] {"fixed", t.testgroup(), t.test() + " on " + t.tentacle(), t.before() + " -> " + t.now()}));
            c.flaky().forEach(t -> rows.add(new Object[] {"flaky", t.testgroup(), t.test() + " on " + t.tentacle(), "failed, then passed"}));
            c.perf().forEach(p -> rows.add(new Object[] {"benchmark", p.boardVariant(), p.name(),
                String.format(Locale.ROOT, "%.1f %s (mean before %.1f)", p.value(), p.unit(), p.meanBefore())}));
            return json ? c : rows;
        }

        @Override
        Table table(Object rows) {
            Table t = new Table("change", "group/board", "test", "what");
            for (Object[] r : cast(rows, Object[].class)) {
                t.row(r);
            }
            return t;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(Object rows, Class<T> type) {
        return (List<T>) rows;
    }
}
