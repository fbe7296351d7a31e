package testbed.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import testbed.config.Settings;
import testbed.history.JdbcHistory;
import testbed.model.Connection;
import testbed.model.Fut;
import testbed.model.Programmer;
import testbed.model.Tentacle;
import testbed.results.RecordSink;
import testbed.serve.ServeConfig;
import testbed.serve.WebApp;
import testbed.session.SessionFiles;
import testbed.session.SessionRecord;

/**
 * {@code testbed serve} over a lab's year: a history of nightly sessions ({@link SyntheticHistory}) and their results
 * folders (each night's session.json and runs.jsonl under {@code nightly-<date>/night/}), then every page fetched
 * over HTTP: the median and the slowest of its answers.
 */
public final class ServeBenchmark {

    /** Per page: the milliseconds of each timed request. */
    public record Result(int nights, long resultsPerNight, Map<String, List<Double>> millis) {
        public double median(String page) {
            List<Double> sorted = millis.get(page).stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        public double max(String page) {
            return millis.get(page).stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }
    }

    /** A year of nights written into {@code dir} (history.sqlite and results/): what the app is then run on. */
    public record Year(Path results, String history, List<Tentacle> tentacles, String lastNight, long resultsPerNight) {}

    private ServeBenchmark() {}

    public static Year write(Path dir, HistoryBenchmark.Shape shape, int nights, Consumer<String> progress) throws Exception {
        SyntheticHistory lab = new SyntheticHistory(shape);
        Path results = Files.createDirectories(dir.resolve("results"));
        String url = "jdbc:sqlite:" + dir.resolve("history.sqlite");
        SessionRecord last = null;
        String lastPath = "";
        try (JdbcHistory history = JdbcHistory.open(url, null, null, null)) {
            for (int night = 0; night < nights; night++) {
                last = lab.night(night);
                history.record(last);
                LocalDate date = LocalDate.ofInstant(java.time.Instant.parse(last.timeStart()), ZoneOffset.UTC);
                lastPath = "nightly-" + date + "/night";
                Path folder = Files.createDirectories(results.resolve(lastPath));
                SessionFiles files = new SessionFiles(RecordSink.directory(folder));
                files.writeSummary(last);
                last.runs().forEach(files::appendRun);
                if ((night + 1) % 30 == 0) {
                    progress.accept((night + 1) + " nights written");
                }
            }
        }
        List<Tentacle> tentacles = new ArrayList<>();
        for (SessionRecord.Run r : last.runs()) {
            String label = r.tentacles().get(0);
            if (tentacles.stream().noneMatch(t -> t.label().equals(label))) {
                String serial = "bench000000" + label.substring(0, 4);
                tentacles.add(new Tentacle(serial, label.substring(5), r.boardVariant().board(), "rp2", java.util.Set.of(Fut.FUT_MCU_ONLY),
                        List.of(r.boardVariant().variant()), new Programmer("virtual", List.of()), 0, Map.of(), new Connection("virtual", Map.of()),
                        List.of()));
            }
        }
        long perNight = last.runs().stream().mapToLong(r -> r.attempts().stream().mapToLong(a -> a.tests().size()).sum()).sum();
        return new Year(results, url, tentacles, lastPath, perNight);
    }

    /** Serves {@code year} on a free port of 127.0.0.1 and times each page {@code repeats} times after two warm-up requests. */
    public static Result time(Year year, Settings settings, int nights, int repeats) throws Exception {
        ServeConfig config = new ServeConfig(year.results(), Optional.of(year.history()), Optional.empty(), "bench", year.tentacles(),
                Files.createTempDirectory("testbed-bench-serve-state"), settings, "127.0.0.1", 0, Optional.empty());
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        try (WebApp app = WebApp.start(config)) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            List<String> pages = List.of("lab", "api/lab", "sessions", "session?path=" + year.lastNight(), "history",
                    "history?from=v1.27.0-50&to=v1.27.0-51", "results/", "results/" + year.lastNight(), "results/" + year.lastNight() + "/session.json");
            for (String page : pages) {
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < repeats + 2; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(app.url() + page)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("bench serve: /" + page + " answered " + r.statusCode());
                    }
                    if (i >= 2) {
                        times.add(ms);
                    }
                }
                millis.put("/" + page, times);
            }
        }
        return new Result(nights, year.resultsPerNight(), millis);
    }
}
