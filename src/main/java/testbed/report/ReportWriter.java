package testbed.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import testbed.bartender.Leftover;
import testbed.history.History;
import testbed.results.AtomicJson;
import testbed.results.AttemptRecord;
import testbed.results.Xfail;
import testbed.runner.Outcome;
import testbed.session.SessionRecord;

/**
 * Writes every report of a session into its results folder: {@code report.html} (self-contained, with charts),
 * {@code report.md} (for PR comments), {@code junit.xml}, {@code summary.json}, {@code timing.txt} and
 * {@code xfail-template.json}. Trends come from the history when one is given.
 */
public final class ReportWriter {

    public static final List<String> FILES = List.of("report.html", "report.md", "junit.xml", "summary.json", "timing.txt", "xfail-template.json");

    private static final Map<String, String> COLORS = Map.of("passed", Svg.PASS, "failed", Svg.FAIL, "error", Svg.ERROR, "timeout", Svg.ERROR,
            "skipped", Svg.SKIP, "xfailed", "#8e24aa", "ignored", "#c0a000", "not_run", "#5d4037");

    private ReportWriter() {}

    public static void write(SessionRecord session, Path dir, Optional<History> history) {
        SessionView view = SessionView.of(session);
        // The reports are written whatever the history does: without it they only lack the trend charts.
        List<History.SessionTrend> trend = List.of();
        List<History.PerfSeries> perf = List.of();
        Optional<History.Changes> changes = Optional.empty();
        try {
            changes = history.map(h -> h.changes(session.sessionId()));
            trend = history.map(h -> h.trend(session.lab(), 30)).orElse(List.of());
            // The time of every benchmark this session measured, on its boards: the series that say what changed.
            java.util.Set<String> measured = new java.util.HashSet<>();
            session.runs().forEach(r -> r.attempts().forEach(a -> { if (!a.measurements().isEmpty()) { measured.add(r.boardVariant().name()); } }));
            perf = history.map(h -> h.perf(Optional.empty())).orElse(List.of()).stream()
                    .filter(p -> p.values().size() > 1 && measured.contains(p.boardVariant()) && !p.unit().equals("score")).limit(100).toList();
        } catch (RuntimeException e) {
            org.apache.logging.log4j.LogManager.getLogger(ReportWriter.class).warn("reports without trends: {}", e.getMessage());
        }
        writeString(dir.resolve("report.html"), html(view, trend, perf, MorningReport.html(session, changes), dir));
        writeString(dir.resolve("report.md"), SessionMarkdown.of(view));
        writeString(dir.resolve("junit.xml"), JunitXml.of(session));
        Map<String, Object> summary = summary(view);
        summary.put("changes", MorningReport.json(session, changes));
        AtomicJson.write(dir.resolve("summary.json"), summary);
        writeString(dir.resolve("timing.txt"), Timing.text(view));
        List<AttemptRecord> finals = session.runs().stream().filter(r -> !r.attempts().isEmpty())
                .map(r -> r.attempts().get(r.attempts().size() - 1)).toList();
        AtomicJson.write(dir.resolve("xfail-template.json"), Map.of("xfail", Xfail.template(finals, a -> a.boardVariant().name())));
    }

    private static void writeString(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- summary.json ----

    private static Map<String, Object> summary(SessionView v) {
        SessionRecord s = v.session();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", s.sessionId());
        m.put("lab", s.lab());
        m.put("verdict", s.verdict() == null ? "" : s.verdict().label());
        m.put("status", s.status());
        m.put("firmware", s.firmware());
        m.put("firmware_versions", s.firmwareVersions());
        m.put("micropython", s.testsRef());
        m.put("firmware_not_from_source", s.firmwareNotFromSource());
        m.put("time_start", s.timeStart());
        m.put("duration_s", s.durationSeconds());
        m.put("tests", v.totalsByLabel());
        m.put("run_counts", s.runCounts());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (SessionRecord.Run r : s.runs()) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("testid", r.testid());
            run.put("status", r.status().label());
            Map<String, String> attempts = new LinkedHashMap<>();
            r.attempts().forEach(a -> attempts.put(a.attempt(), a.status().label()));
            run.put("attempts", attempts);
            runs.add(run);
        }
        m.put("runs", runs);
        Map<String, Object> groups = new LinkedHashMap<>();
        v.groups().forEach((g, sum) -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("runs", sum.runs());
            x.put("skipped_runs", sum.skippedRuns());
            x.put("retried_runs", sum.retriedRuns());
            x.put("error_runs", sum.errorRuns());
            x.put("tests", sum.byLabel());
            groups.put(g, x);
        });
        m.put("groups", groups);
        List<Map<String, Object>> failures = new ArrayList<>();
        for (SessionView.MatrixRow row : v.matrix()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("group", row.group());
            f.put("test", row.test());
            f.put("flaky", row.flaky());
            Map<String, String> cells = new LinkedHashMap<>();
            row.cells().forEach((col, list) -> cells.put(col, String.join(",", list.stream().map(c -> c.letter() + ":" + c.outcome().label()).toList())));
            f.put("outcomes", cells);
            failures.add(f);
        }
        m.put("failures", failures);
        m.put("leftovers", s.leftovers());
        m.put("boards_to_look_at", SessionMarkdown.toLookAt(s));
        return m;
    }

    // ---- html ----

    /**
     * Where a test's own output is, relative to the report: the diff a built-in runner kept, or run-tests.py's
     * {@code .out} and {@code .exp} (named after the test, '/' as '_'); the attempt's log when neither is there.
     */
    static List<String[]> outputLinks(Path dir, String attempt, String test) {
        String base = test.replace("..", "_").replace("./", "").replace('/', '_');
        List<String[]> links = new ArrayList<>();
        for (String[] kind : List.of(new String[] {".diff", "diff"}, new String[] {".out", "out"}, new String[] {".exp", "exp"})) {
            if (Files.isRegularFile(dir.resolve(attempt).resolve(base + kind[0]))) {
                links.add(new String[] {attempt + "/" + base + kind[0], kind[1]});
            }
        }
        if (links.isEmpty()) {
            links.add(new String[] {attempt + "/testresults.txt", "log"});
        }
        return links;
    }

    private static String html(SessionView v, List<History.SessionTrend> trend, List<History.PerfSeries> perf, String changes, Path dir) {
        SessionRecord s = v.session();
        String e = Svg.esc(s.verdict() == null ? s.status().label() : s.verdict().label());
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>testbed ").append(Svg.esc(s.sessionId())).append("</title>");
        h.append("""
                <style>
                body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
                .warning{border-left:4px solid #e6a100;background:#fff8e1;padding:.4em 1em;margin:0 0 1.5em}
                table{border-collapse:collapse;margin:.5em 0 1.5em}
                th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}
                th{background:#f3f3f3}
                .passed{background:#c8e6c9}.failed{background:#ffe0b2}.error,.timeout{background:#ffcdd2}.skipped{background:#eee}.xfailed{background:#e1bee7}
                .flaky{outline:2px dashed #8e24aa}
                .verdict-passed{color:#2e7d32}.verdict-tests_failed{color:#e67e22}.verdict-infrastructure_errors,.verdict-interrupted{color:#c62828}
                a{color:inherit}
                </style></head><body>
                """);
        h.append("<h1>testbed session <span class=\"verdict-").append(e).append("\">").append(e.replace('_', ' ')).append("</span></h1>");
        h.append("<table><tr><th>lab</th><td>").append(Svg.esc(s.lab())).append("</td><th>session</th><td>").append(Svg.esc(s.sessionId()))
                .append("</td></tr><tr><th>firmware</th><td>").append(Svg.esc(s.firmware().isEmpty() ? "(all)" : String.join(", ", s.firmware())))
                .append("</td><th>started</th><td>").append(Svg.esc(s.timeStart())).append("</td></tr><tr><th>duration</th><td>")
                .append(String.format(Locale.ROOT, "%.0f s", s.durationSeconds())).append("</td><th>trigger</th><td>").append(Svg.esc(s.trigger()))
                .append(" on ").append(Svg.esc(s.host())).append("</td></tr><tr><th>MicroPython</th><td colspan=\"3\">").append(Svg.esc(s.testsRef()))
                .append("</td></tr><tr><th>command</th><td colspan=\"3\"><code>")
                .append(Svg.esc(String.join(" ", s.commandLine()))).append("</code></td></tr></table>");
        if (!s.firmwareNotFromSource().isEmpty()) {
            // Said before any failure: a test of a newer feature fails on an older prebuilt firmware, and that is no bug.
            h.append("<div class=\"warning\"><b>Firmware not from the source under test.</b> Failures on these boards may be the difference "
                    + "between the two versions:<ul>");
            s.firmwareNotFromSource().forEach(line -> h.append("<li>").append(Svg.esc(line)).append("</li>"));
            h.append("</ul></div>");
        }
        h.append(changes); // the first screen: what changed since the last comparable session
        // The boards this session's runs used: a board that was only found (not selected) has nothing to say here.
        java.util.Set<String> used = new java.util.HashSet<>();
        s.runs().forEach(r -> used.addAll(r.tentacles()));
        Map<String, String> onUsed = new java.util.TreeMap<>(s.firmwareVersions());
        onUsed.keySet().retainAll(used);
        if (!onUsed.isEmpty()) {
            h.append("<h2>Firmware on the boards</h2><table><tr><th>tentacle</th><th>firmware as the board reports it</th></tr>");
            onUsed.forEach((t, f) -> h.append("<tr><td>").append(Svg.esc(t)).append("</td><td>").append(Svg.esc(f)).append("</td></tr>"));
            h.append("</table>");
        }
        h.append("<h2>Summary</h2><table><tr><th>group</th><th>runs</th><th>skipped</th><th>retried</th><th>errors</th><th>passed</th><th>failed</th>"
                + "<th>skipped tests</th><th>xfailed</th><th>ignored</th><th>not run</th><th>outcomes</th></tr>");
        v.groups().forEach((g, x) -> {
            long failed = x.failedTests();
            h.append("<tr><td>").append(Svg.esc(g)).append("</td><td>").append(x.runs()).append("</td><td>").append(x.skippedRuns()).append("</td><td>")
                    .append(x.retriedRuns()).append("</td><td>").append(x.errorRuns()).append("</td><td>").append(x.tests().getOrDefault(Outcome.PASSED, 0L))
                    .append("</td><td>").append(failed).append("</td><td>").append(x.tests().getOrDefault(Outcome.SKIPPED, 0L)).append("</td><td>")
                    .append(x.tests().getOrDefault(Outcome.XFAILED, 0L)).append("</td><td>").append(x.tests().getOrDefault(Outcome.IGNORED, 0L))
                    .append("</td><td>").append(x.tests().getOrDefault(Outcome.NOT_RUN, 0L)).append("</td><td>").append(Svg.stacked(x.byLabel(), COLORS))
                    .append("</td></tr>");
        });
        h.append("</table>");
        h.append("<h2>Failure matrix</h2>");
        if (v.matrix().isEmpty()) {
            h.append("<p>No failures.</p>");
        } else {
            h.append("<p>Each cell lists the attempts (a, b, …) of that test on that board-variant/role, linked to the attempt's log; a dashed cell "
                    + "is flaky (passed and failed in the same session).</p><table><tr><th>group</th><th>test</th>");
            v.columns().forEach(c -> h.append("<th>").append(Svg.esc(c)).append("</th>"));
            h.append("</tr>");
            for (SessionView.MatrixRow row : v.matrix()) {
                h.append("<tr><td>").append(Svg.esc(row.group())).append("</td><td>").append(Svg.esc(row.test())).append("</td>");
                for (String c : v.columns()) {
                    List<SessionView.Cell> cells = row.cells().get(c);
                    if (cells == null) {
                        h.append("<td></td>");
                        continue;
                    }
                    boolean flaky = cells.stream().anyMatch(x -> x.outcome() == Outcome.PASSED) && cells.stream().anyMatch(x -> x.outcome().isFailure());
                    h.append("<td").append(flaky ? " class=\"flaky\"" : "").append(">");
                    for (SessionView.Cell cell : cells) {
                        // A failure links to the test's own output (diff, or .out and .exp), not to the whole group's log.
                        List<String[]> links = cell.outcome().isFailure() ? outputLinks(dir, cell.directory(), row.test())
                                : List.<String[]>of(new String[] {cell.directory() + "/testresults.txt", "log"});
                        h.append("<a class=\"").append(cell.outcome().label()).append("\" href=\"").append(Svg.esc(links.get(0)[0]))
                                .append("\" title=\"").append(Svg.esc(cell.reason().lines().limit(8).reduce("", (a, b) -> a + b + "\n")))
                                .append("\">").append(cell.letter()).append(" ").append(cell.outcome().label()).append("</a> ");
                        for (String[] more : links.subList(1, links.size())) {
                            h.append("<a class=\"file\" href=\"").append(Svg.esc(more[0])).append("\">").append(more[1]).append("</a> ");
                        }
                    }
                    h.append("</td>");
                }
                h.append("</tr>");
            }
            h.append("</table>");
        }
        List<SessionRecord.Run> errors = s.runs().stream().filter(r -> !r.status().isPass() && r.status() != testbed.model.Status.FAILED).toList();
        h.append("<h2>Errors and skips</h2>");
        if (errors.isEmpty()) {
            h.append("<p>None.</p>");
        } else {
            h.append("<table><tr><th>testid</th><th>outcome</th><th>attempt</th><th>why</th></tr>");
            for (SessionRecord.Run r : errors) {
                h.append("<tr class=\"").append(Svg.esc(r.status().label())).append("\"><td>").append(Svg.esc(r.testid())).append("</td><td>")
                        .append(Svg.esc(r.status().label())).append("</td>");
                if (r.attempts().isEmpty()) {
                    h.append("<td></td><td>still running when the session was interrupted</td></tr>");
                    continue;
                }
                AttemptRecord last = r.attempts().get(r.attempts().size() - 1);
                h.append("<td><a href=\"").append(Svg.esc(last.directory())).append("/testresults.txt\">")
                        .append(Svg.esc(last.directory())).append("</a></td><td>").append(Svg.esc(last.error())).append("</td></tr>");
            }
            h.append("</table>");
        }
        List<String> look = SessionMarkdown.toLookAt(s);
        if (!look.isEmpty()) {
            h.append("<h2>Boards to look at</h2><ul>");
            look.forEach(line -> h.append("<li>").append(Svg.esc(line)).append("</li>"));
            h.append("</ul>");
        }
        h.append("<h2>Left over</h2>");
        if (s.leftovers().isEmpty()) {
            h.append("<p>Every work item ran.</p>");
        } else {
            h.append("<table><tr><th>group</th><th>item</th><th>reason</th><th>detail</th><th>attempts</th></tr>");
            for (Leftover l : s.leftovers()) {
                h.append("<tr><td>").append(Svg.esc(l.spec())).append("</td><td>").append(Svg.esc(l.item())).append("</td><td>")
                        .append(Svg.esc(l.reason().text())).append("</td><td>").append(Svg.esc(l.detail())).append("</td><td>");
                // Work that was tried lists its attempts, linked to their logs; only work that never started has none.
                for (String testid : l.tried()) {
                    s.runs().stream().filter(r -> r.testid().equals(testid)).flatMap(r -> r.attempts().stream()).forEach(a -> h.append("<a href=\"")
                            .append(Svg.esc(a.directory())).append("/testresults.txt\">").append(Svg.esc(a.directory())).append("</a> "));
                }
                h.append("</td></tr>");
            }
            h.append("</table>");
        }
        List<Svg.Bar> bars = Timing.bars(v);
        h.append("<h2>Timing</h2>");
        h.append(bars.isEmpty() ? "<p>Nothing ran.</p>" : Svg.timeline(Timing.rows(bars), bars, v.start(), v.end()));
        h.append("<h2>Trends</h2>");
        if (trend.size() < 2) {
            h.append("<p>The history has ").append(trend.size()).append(" session(s) of this lab; trends appear from the second one.</p>");
        } else {
            h.append(Svg.line("pass rate over the last " + trend.size() + " sessions of lab " + s.lab(), trend.stream().map(History.SessionTrend::session).toList(),
                    trend.stream().map(t -> 100 * t.passRate()).toList(), 0, 100, " %", List.of()));
        }
        if (!perf.isEmpty()) {
            h.append("<h2>Benchmarks</h2><p>Each benchmark's last sessions on each board; the shaded band is its noise (mean ± the largest of 3σ, "
                    + "5 %, three times its own spread); a red point left the band.</p>");
        }
        for (History.PerfSeries p : perf) {
            h.append(Charts.perf(p));
        }
        h.append("<p style=\"color:#777;font-size:12px\">written by testbed; links point into this results folder</p></body></html>\n");
        return h.toString();
    }
}
