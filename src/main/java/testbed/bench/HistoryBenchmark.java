package testbed.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import testbed.history.History;
import testbed.history.JdbcHistory;
import testbed.model.InvalidInputException;
import testbed.report.ReportWriter;
import testbed.session.SessionRecord;

/**
 * The history's analyses as the history grows night by night: a lab's nightly sessions are recorded one after the
 * other, and at each checkpoint every analysis a session's end, a morning report and the history queries run is timed
 * (best of three, warm). The claim it checks: bounded windows keep each at the last checkpoint within 2x its time at
 * the first, on whichever database the history lives.
 */
public final class HistoryBenchmark {

    /** The analyses timed, in the order they are reported. */
    public static final List<String> ANALYSES = List.of("session end (report)", "history changes", "history flaky", "history regressions",
            "history perf", "history sut");

    /** @param seconds per analysis, per checkpoint (nights recorded), best of three */
    public record Result(String database, Shape shape, List<Integer> checkpoints, Map<String, List<Double>> seconds,
            List<Double> recordSecondsPerNight, long resultsPerNight) {

        /** Time at the last checkpoint over time at the first. */
        public double ratio(String analysis) {
            List<Double> s = seconds.get(analysis);
            return s.get(s.size() - 1) / Math.max(1e-6, s.get(0));
        }
    }

    /** @param boards tentacles (rounded up to pairs of identical hardware); {@code tests} per group; the last group is a perfbench */
    public record Shape(int boards, int groups, int tests, int benchmarks, long seed) {}

    private HistoryBenchmark() {}

    /**
     * @param url an empty history database, or empty for a new SQLite file in a temporary folder
     * @param progress a line per checkpoint as the benchmark goes
     */
    public static Result run(Optional<String> url, String user, String password, Shape shape, List<Integer> checkpoints,
            Consumer<String> progress) throws Exception {
        if (checkpoints.isEmpty() || checkpoints.stream().anyMatch(c -> c < 2)) {
            throw new InvalidInputException("bench history: --at needs checkpoints of at least 2 nights");
        }
        List<Integer> at = checkpoints.stream().sorted().distinct().toList();
        Path tmp = Files.createTempDirectory("testbed-bench-history");
        String db = url.orElse("jdbc:sqlite:" + tmp.resolve("history.sqlite"));
        SyntheticHistory lab = new SyntheticHistory(shape);
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        ANALYSES.forEach(a -> seconds.put(a, new ArrayList<>()));
        List<Double> recordSeconds = new ArrayList<>();
        long results = 0;
        try (JdbcHistory history = JdbcHistory.open(db, user, password, null)) {
            if (!history.sessions(History.SessionFilter.newest()).isEmpty()) {
                throw new InvalidInputException("bench history: " + db.replaceAll("password=[^&]*", "password=***")
                        + " already holds sessions; give an empty database");
            }
            SessionRecord last = null;
            int night = 0;
            for (int checkpoint : at) {
                long t0 = System.nanoTime();
                int from = night;
                for (; night < checkpoint; night++) {
                    last = lab.night(night);
                    history.record(last);
                }
                recordSeconds.add((System.nanoTime() - t0) / 1e9 / Math.max(1, night - from));
                results = last.runs().stream().mapToLong(r -> r.attempts().stream().mapToLong(a -> a.tests().size()).sum()).sum();
                SessionRecord session = last;
                Path reports = Files.createDirectories(tmp.resolve("report-" + checkpoint));
                String sessionId = session.sessionId();
                String from1 = lab.firmware(session.runs().get(0).boardVariant(), checkpoint - 8).split(";")[1];
                String to1 = lab.firmware(session.runs().get(0).boardVariant(), checkpoint - 1).split(";")[1];
                time(seconds, "session end (report)", () -> ReportWriter.write(session, reports, Optional.of(history)));
                time(seconds, "history changes", () -> history.changes(sessionId));
                time(seconds, "history flaky", () -> history.flaky(20));
                time(seconds, "history regressions", () -> history.regressions(from1, to1));
                time(seconds, "history perf", () -> history.perf(Optional.empty()));
                time(seconds, "history sut", () -> history.passRates(session.runs().get(0).boardVariant().board(), 10));
                StringBuilder line = new StringBuilder(String.format("%4d nights recorded (%.2f s a night):", checkpoint, recordSeconds.get(recordSeconds.size() - 1)));
                seconds.forEach((a, s) -> line.append(String.format(" %s %.3f s;", a, s.get(s.size() - 1))));
                progress.accept(line.toString());
            }
        } finally {
            deleteTree(tmp);
        }
        return new Result(db.startsWith("jdbc:sqlite:") ? "SQLite" : "PostgreSQL", shape, at, seconds, recordSeconds, results);
    }

    private static void time(Map<String, List<Double>> seconds, String analysis, Runnable body) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            body.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        seconds.get(analysis).add(best);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary folder: the system cleans it in the end
        }
    }
}
