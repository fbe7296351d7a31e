package testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.bench.HistoryBenchmark;
import testbed.bench.ServeBenchmark;
import testbed.config.Workspace;

/** {@code testbed bench serve}: every page of {@code testbed serve} over a year of nightly sessions, timed. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"testbed serve over a lab's year: a history of nightly sessions (pairs of identical boards, groups of many tests, a "
                + "perfbench group, a firmware a week) and each night's results folder, then every page fetched over HTTP: median and slowest.",
            "The target: every page under 300 ms."})
final class ServeBench implements Callable<Integer> {

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Option(names = "--nights", defaultValue = "365", description = "Nights of history and results (default: ${DEFAULT-VALUE}).")
    int nights;

    @Option(names = "--boards", defaultValue = "10", description = "Tentacles, in pairs of identical hardware (default: ${DEFAULT-VALUE}).")
    int boards;

    @Option(names = "--groups", defaultValue = "8", description = "Test groups per board, the last one benchmarks (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--tests", defaultValue = "200", description = "Tests per group (default: ${DEFAULT-VALUE}).")
    int tests;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed requests per page, after two warm-up ones (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where the year is written (default: a temporary folder, removed after).")
    Path dir;

    ServeBench(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() throws Exception {
        if (nights < 2 || boards < 1 || groups < 1 || tests < 1 || repeats < 1) {
            throw new testbed.model.InvalidInputException("bench serve: --nights at least 2, --boards, --groups, --tests and --repeats at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path where = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("testbed-bench-serve");
        out.printf("bench serve: %d nights of %d boards x %d groups x %d tests into %s%n", nights, boards, groups, tests, where);
        out.flush();
        long t0 = System.nanoTime();
        ServeBenchmark.Year year = ServeBenchmark.write(where, new HistoryBenchmark.Shape(boards, groups, tests, 24, 1), nights, line -> {
            out.println("  " + line);
            out.flush();
        });
        out.printf("written in %.0f s (%d results a night)%n", (System.nanoTime() - t0) / 1e9, year.resultsPerNight());
        ServeBenchmark.Result r = ServeBenchmark.time(year, workspace.settings(), nights, repeats);
        Table t = new Table("page", "median", "slowest", "under 300 ms");
        boolean all = true;
        for (String page : r.millis().keySet()) {
            t.row(page, String.format(Locale.ROOT, "%.0f ms", r.median(page)), String.format(Locale.ROOT, "%.0f ms", r.max(page)),
                    r.max(page) < 300 ? "yes" : "NO");
            all &= r.max(page) < 300;
        }
        out.println();
        t.print(out, "");
        out.println(all ? "every page answered in under 300 ms" : "some page took 300 ms or more");
        if (dir == null) {
            try (var walk = Files.walk(where)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return ExitCodes.OK;
    }
}
