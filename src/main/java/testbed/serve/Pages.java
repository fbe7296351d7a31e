package testbed.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import testbed.report.Charts;

/** Each page's model, filled from the results folder and the history, rendered by its template. */
final class Pages {

    /** A page the app cannot show: the path names nothing it serves. */
    static final class NotFound extends RuntimeException {
        NotFound(String what) {
            super(what);
        }
    }

    private final Templates templates = new Templates();
    private final FilePages filePages;
    private final ServeConfig config;
    private final ResultsIndex index;
    private final SafeFiles files;
    private final LabSources lab;
    private final Optional<HistoryView> history;

    Pages(ServeConfig config, ResultsIndex index, SafeFiles files, LabSources lab, Optional<HistoryView> history) {
        this.config = config;
        this.index = index;
        this.files = files;
        this.lab = lab;
        this.history = history;
        this.filePages = new FilePages(templates, files, this::model);
    }

    FilePages files() {
        return filePages;
    }

    private Map<String, Object> model(String page, String title) {
        Map<String, Object> m = new HashMap<>();
        m.put("page", page);
        m.put("title", title);
        m.put("where", config.queue().isPresent() ? "queue " + testbed.queue.QueueDb.redact(config.queue().get()) : "lab " + config.lab());
        return m;
    }

    String lab() {
        Map<String, Object> m = model("lab", "Lab");
        m.put("lab", config.queue().isPresent() ? "(every host of the queue)" : config.lab());
        m.put("multiHost", lab.multiHost());
        m.put("rows", lab.rows());
        return templates.render("lab", m);
    }

    String sessions() {
        Map<String, Object> m = model("sessions", "Sessions");
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> running = new ArrayList<>();
        for (ResultsIndex.Entry e : index.sessions()) {
            Map<String, Object> r = new HashMap<>();
            r.put("id", e.id());
            r.put("path", e.path());
            r.put("folder", "results/" + e.path());
            r.put("start", e.timeStart());
            r.put("duration", hms(e.summary().path("duration_s").asDouble()));
            r.put("outcome", outcome(e.summary()));
            r.put("verdict", e.summary().path("verdict").asText(""));
            r.put("runs", counts(e.summary().path("run_counts")));
            report(e).ifPresent(p -> r.put("report", p));
            rows.add(r);
            if (e.running()) {
                Map<String, Object> now = new HashMap<>(r);
                now.put("progress", progressText(e));
                now.put("gantt", gantt(e));
                running.add(now);
            }
        }
        m.put("sessions", rows);
        m.put("running", running);
        return templates.render("sessions", m);
    }

    String session(String path) {
        ResultsIndex.Entry e = index.session(path == null ? "" : path).orElseThrow(() -> new NotFound("no session in results/" + path));
        Map<String, Object> m = model("session", "Session " + e.id());
        m.put("id", e.id());
        m.put("path", e.path());
        m.put("lab", e.summary().path("lab").asText());
        m.put("outcome", outcome(e.summary()));
        m.put("start", e.timeStart());
        m.put("running", e.running());
        m.put("progress", e.running() ? progressText(e) : counts(e.summary().path("run_counts")));
        report(e).ifPresent(p -> m.put("report", p));
        m.put("gantt", gantt(e));
        List<Map<String, Object>> runs = new ArrayList<>();
        for (JsonNode run : index.runs(e)) {
            Map<String, Object> r = new HashMap<>();
            r.put("testid", run.path("testid").asText());
            r.put("status", run.path("status").asText());
            List<Map<String, Object>> attempts = new ArrayList<>();
            String last = "";
            for (JsonNode a : run.path("attempts")) {
                last = prefix(e) + a.path("directory").asText();
                attempts.add(Map.of("letter", a.path("attempt").asText(), "folder", last));
            }
            r.put("attempts", attempts);
            if (run.path("status").asText().equals("failed") && !last.isEmpty()) {
                r.put("failures", failures(last));
            }
            runs.add(r);
        }
        m.put("runs", runs);
        return templates.render("session", m);
    }

    /** The tests that failed in an attempt folder, from its run.json. */
    private List<Map<String, Object>> failures(String folder) {
        List<Map<String, Object>> out = new ArrayList<>();
        files.resolve(folder + "/run.json").flatMap(index::json).ifPresent(a -> a.path("tests").forEach(t -> {
            if (t.path("outcome").asText().equals("failed")) {
                out.add(Map.of("folder", folder, "test", t.path("name").asText()));
            }
        }));
        return out;
    }

    /** The session's Gantt chart so far: finished runs from runs.jsonl, the running ones from progress.json. */
    String gantt(ResultsIndex.Entry e) {
        List<Charts.Bar> bars = new ArrayList<>();
        Instant start = Instant.parse(e.timeStart());
        Instant end = e.running() || e.summary().path("time_end").asText("").isEmpty() ? Instant.now() : Instant.parse(e.summary().path("time_end").asText());
        for (JsonNode run : index.runs(e)) {
            if (run.path("time_start").asText("").isEmpty()) {
                continue;
            }
            Instant s = Instant.parse(run.path("time_start").asText());
            Instant f = s.plusMillis((long) (run.path("duration_s").asDouble() * 1000));
            for (JsonNode t : run.path("tentacles")) {
                bars.add(new Charts.Bar(t.asText(), s, f, run.path("status").asText(), run.path("testid").asText() + " (" + run.path("status").asText() + ")"));
            }
        }
        e.progress().ifPresent(p -> p.path("running").forEach(run -> {
            Instant s = Instant.parse(run.path("since").asText());
            for (JsonNode t : run.path("tentacles")) {
                bars.add(new Charts.Bar(t.asText(), s, end, "running", run.path("testid").asText() + " (running)"));
            }
        }));
        return bars.isEmpty() ? "<p>Nothing ran yet.</p>" : Charts.gantt(bars, start, end.isAfter(start) ? end : start.plusSeconds(1));
    }

    /** Progress of every running session, by its path: what the live pages show. */
    Map<String, String> progress() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ResultsIndex.Entry e : index.sessions()) {
            if (e.running()) {
                out.put(e.path(), progressText(e) + " · " + e.progress().map(p -> p.path("updated").asText()).orElse(""));
            }
        }
        return out;
    }

    private static String progressText(ResultsIndex.Entry e) {
        return e.progress().map(p -> {
            List<String> running = new ArrayList<>();
            p.path("running").forEach(r -> running.add(r.path("testid").asText()));
            return String.format(Locale.ROOT, "%d of %d runs done, %d failed, %d errors; running %d%s; ETA %s", p.path("done").asInt(), p.path("total").asInt(),
                    p.path("failed").asInt(), p.path("errors").asInt(), running.size(), running.isEmpty() ? "" : ": " + String.join(", ", running),
                    hms(p.path("eta_s").asDouble()));
        }).orElse("starting");
    }

    String history(String from, String to, String board) {
        Map<String, Object> m = model("history", "History");
        m.put("available", history.isPresent());
        if (history.isEmpty()) {
            return templates.render("history", m);
        }
        HistoryView h = history.get();
        HistoryView.Analyses a = h.analyses();
        m.put("window", HistoryView.WINDOW);
        m.put("boards", a.boards().stream().map(p -> Map.of("name", p.boardVariant(), "sessions", p.sessions(),
                "runs", p.passedRuns() + " of " + p.runs(), "tests", p.tests() == 0 ? "-" : String.format(Locale.ROOT, "%.1f %% of %d",
                        100.0 * p.passedTests() / p.tests(), p.tests()))).toList());
        m.put("failing", a.failing().stream().map(f -> Map.of("group", f.testgroup(), "test", f.test(), "board", f.boardVariant(),
                "failures", f.failures(), "sessions", f.sessions().size() + " sessions since " + f.sessions().get(f.sessions().size() - 1))).toList());
        m.put("flaky", a.flaky().stream().map(f -> Map.of("group", f.testgroup(), "test", f.test(), "board", f.boardVariant(), "tentacle",
                f.tentacle(), "flips", f.flips(), "observations", f.observations())).toList());
        boolean compare = from != null && !from.isBlank() && to != null && !to.isBlank();
        m.put("from", from == null ? "" : from);
        m.put("to", to == null ? "" : to);
        m.put("compared", compare);
        m.put("regressions", compare ? h.regressions(from, to).stream().map(r -> Map.of("board", r.boardVariant(), "tentacle", r.tentacle(), "group",
                r.testgroup(), "test", r.test(), "outcome", r.toOutcome(), "session", r.session())).toList() : List.of());
        boolean oneBoard = board != null && !board.isBlank();
        List<String> charts = oneBoard ? h.charts(board) : a.charts();
        m.put("charts", charts.stream().map(svg -> Map.of("svg", svg)).toList());
        m.put("more", !oneBoard && a.perf().size() > charts.size());
        m.put("shown", charts.size());
        m.put("total", a.perf().size());
        return templates.render("history", m);
    }

    private Optional<String> report(ResultsIndex.Entry e) {
        return Files.isRegularFile(e.dir().resolve("report.html")) ? Optional.of(prefix(e) + "report.html") : Optional.empty();
    }

    private static String prefix(ResultsIndex.Entry e) {
        return e.path().isEmpty() ? "" : e.path() + "/";
    }

    private static String outcome(JsonNode s) {
        String verdict = s.path("verdict").asText("");
        return verdict.isEmpty() || verdict.equals("null") ? s.path("status").asText() : verdict.replace('_', ' ');
    }

    private static String counts(JsonNode runCounts) {
        List<String> parts = new ArrayList<>();
        runCounts.fields().forEachRemaining(f -> {
            if (f.getValue().asInt() > 0) {
                parts.add(f.getValue().asInt() + " " + f.getKey());
            }
        });
        return parts.isEmpty() ? "no runs" : String.join(", ", parts);
    }

    static String hms(double seconds) {
        Duration d = Duration.ofSeconds((long) seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
