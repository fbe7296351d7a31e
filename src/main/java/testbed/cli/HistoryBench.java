package testbed.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code testbed bench history}: the history's analyses timed as it grows night by night. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"The history's analyses as it grows night by night: a lab's nightly sessions (pairs of identical boards, groups of many "
                + "tests, a perfbench group, a firmware a week) are recorded one after the other, and at each checkpoint the end of a session "
                + "(reports with what changed), history changes, flaky, regressions, perf and sut are timed, best of three.",
                "Bounded windows keep each at the last checkpoint within 2x its time at the first."})
final class HistoryBench implements Callable<Integer> {
    private final testbed.config.Workspace workspace;

    @Spec
    CommandSpec spec;

    @Option(names = "--history", paramLabel = "JDBC_URL", description = "An empty history database (default: a new SQLite file in a "
            + "temporary folder; user and password of PostgreSQL from $TESTBED_HISTORY_USER/_PASSWORD).")
    String url;

    @Option(names = "--at", split = ",", defaultValue = "30,365", paramLabel = "NIGHTS",
            description = "Checkpoints: nights recorded when the analyses are timed (default: ${DEFAULT-VALUE}).")
    java.util.List<Integer> at;

    @Option(names = "--boards", defaultValue = "10", description = "Tentacles, in pairs of identical hardware (default: ${DEFAULT-VALUE}).")
    int boards;

    @Option(names = "--groups", defaultValue = "8", description = "Test groups per board, the last one benchmarks (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--tests", defaultValue = "1000", description = "Tests per group (default: ${DEFAULT-VALUE}).")
    int tests;

    @Option(names = "--benchmarks", defaultValue = "24", description = "Benchmarks of the perfbench group (default: ${DEFAULT-VALUE}).")
    int benchmarks;

    HistoryBench(testbed.config.Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() throws Exception {
        if (boards < 1 || groups < 1 || tests < 1) {
            throw new testbed.model.InvalidInputException("bench history: --boards, --groups and --tests must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        var s = new testbed.bench.HistoryBenchmark.Shape(boards, groups, tests, benchmarks, 1);
        boolean pg = url != null && url.startsWith("jdbc:postgresql:");
        out.printf("bench history: %d boards x %d groups x %d tests a night, checkpoints %s%n", boards, groups, tests, at);
        out.flush();
        var r = testbed.bench.HistoryBenchmark.run(java.util.Optional.ofNullable(url), pg ? workspace.settings().historyUser().orElse(null) : null,
                pg ? workspace.settings().historyPassword().orElse(null) : null, s, at, line -> {
                    out.println(line);
                    out.flush();
                });
        java.util.List<String> header = new java.util.ArrayList<>(java.util.List.of("analysis (" + r.database() + ", " + r.resultsPerNight()
                + " results a night)"));
        r.checkpoints().forEach(c -> header.add(c + " nights"));
        header.add("last/first");
        header.add("within 2x");
        Table t = new Table(header.toArray(String[]::new));
        boolean all = true;
        for (String a : testbed.bench.HistoryBenchmark.ANALYSES) {
            java.util.List<Object> row = new java.util.ArrayList<>(java.util.List.of(a));
            r.seconds().get(a).forEach(x -> row.add(String.format(java.util.Locale.ROOT, "%.3f s", x)));
            row.add(String.format(java.util.Locale.ROOT, "%.2f", r.ratio(a)));
            row.add(r.ratio(a) <= 2 ? "yes" : "NO");
            all &= r.ratio(a) <= 2;
            t.row(row.toArray());
        }
        out.println();
        t.print(out, "");
        out.printf("%nrecording: %s s a night at each checkpoint%n", r.recordSecondsPerNight().stream()
                .map(x -> String.format(java.util.Locale.ROOT, "%.2f", x)).toList());
        out.println(all ? "every analysis stays within 2x of its time at the first checkpoint" : "some analysis grew more than 2x");
        return ExitCodes.OK;
    }
}
