package testbed.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import testbed.compare.Comparison;
import testbed.compare.Comparison.PerfChange;
import testbed.compare.Comparison.TestChange;
import testbed.results.AtomicJson;

/**
 * {@code compare.html} (its first screen: the verdict and the regressions), {@code compare.md} (to paste as a PR
 * comment) and {@code compare.json} of a {@link Comparison}.
 */
public final class CompareReport {

    private CompareReport() {}

    /**
     * @param headDir the head session's results folder, for links to the attempt folders of what changed
     * @param baseDir the base session's, for what only the base ran
     */
    public static void write(Path out, Comparison c, Optional<Path> baseDir, Optional<Path> headDir) throws IOException {
        Files.createDirectories(out);
        AtomicJson.write(out.resolve("compare.json"), c);
        Files.writeString(out.resolve("compare.md"), markdown(c), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("compare.html"), html(c, out, baseDir, headDir), StandardCharsets.UTF_8);
    }

    static String markdown(Comparison c) {
        StringBuilder m = new StringBuilder();
        m.append("### testbed compare: ").append(c.verdict()).append("\n\n");
        m.append("base: `").append(c.baseSource()).append("` (session ").append(c.base()).append(")  \n");
        m.append("head: `").append(c.headSource()).append("` (session ").append(c.head()).append(")\n\n");
        tests(m, "Regressions", c.regressions(), true);
        perf(m, c.perf());
        tests(m, "Fixed", c.fixed(), false);
        tests(m, "Flaky", c.flaky(), false);
        tests(m, "Skipped differently", c.skipChanged(), false);
        tests(m, "Only in the base", c.onlyBase(), false);
        tests(m, "Only in the head", c.onlyHead(), false);
        if (!c.stillFailing().isEmpty()) {
            m.append("<details><summary>Failing on both sides (").append(c.stillFailing().size()).append(")</summary>\n\n");
            tests(m, null, c.stillFailing(), false);
            m.append("</details>\n");
        }
        return m.toString();
    }

    private static void tests(StringBuilder m, String title, List<TestChange> list, boolean confirmation) {
        if (list.isEmpty()) {
            return;
        }
        if (title != null) {
            m.append("#### ").append(title).append(" (").append(list.size()).append(")\n\n");
        }
        m.append("| board | group | test | base | head |").append(confirmation ? " |" : "").append(" why |\n");
        m.append("|---|---|---|---|---|").append(confirmation ? "---|" : "").append("---|\n");
        for (TestChange t : list) {
            m.append("| ").append(cell(t.column())).append(" | ").append(cell(t.testgroup())).append(" | `").append(cell(t.test())).append("` | ")
                    .append(cell(t.base())).append(" | ").append(cell(t.head())).append(" | ");
            if (confirmation) {
                m.append(t.confirmation().label()).append(" | ");
            }
            m.append(cell(firstLine(t.why()))).append(" |\n");
        }
        m.append('\n');
    }

    private static void perf(StringBuilder m, List<PerfChange> list) {
        if (list.isEmpty()) {
            return;
        }
        m.append("#### Benchmarks beyond the noise (").append(list.size()).append(")\n\n| board | benchmark | base | head | change |\n|---|---|---|---|---|\n");
        for (PerfChange p : list) {
            m.append("| ").append(cell(p.column())).append(" | `").append(cell(p.name())).append("` ").append(p.unit()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f | %.2f | %+.1f%% (±%.1f%%)%s |%n", p.base(), p.head(), p.changePercent(), p.errorPercent(),
                            p.worse() ? " worse" : " better"));
        }
        m.append('\n');
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    static String html(Comparison c, Path out, Optional<Path> baseDir, Optional<Path> headDir) {
        boolean bad = !c.confirmedRegressions().isEmpty();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>testbed compare</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left;vertical-align:top}th{background:#f3f3f3}")
                .append(".bad{color:#c62828}.good{color:#2e7d32}.confirmed{background:#ffcdd2}.unconfirmed{background:#ffe0b2}a{color:inherit}")
                .append("</style></head><body>");
        h.append("<h1 class=\"").append(bad ? "bad" : "good").append("\">").append(Svg.esc(c.verdict())).append("</h1>");
        h.append("<table><tr><th>base</th><td>").append(Svg.esc(c.baseSource())).append("</td><td>").append(Svg.esc(c.base()))
                .append("</td></tr><tr><th>head</th><td>").append(Svg.esc(c.headSource())).append("</td><td>").append(Svg.esc(c.head()))
                .append("</td></tr></table>");
        table(h, "Regressions", c.regressions(), out, headDir, true);
        if (!c.perf().isEmpty()) {
            h.append("<h2>Benchmarks beyond the noise</h2><table><tr><th>board</th><th>benchmark</th><th>base</th><th>head</th><th>change</th></tr>");
            for (PerfChange p : c.perf()) {
                h.append("<tr class=\"").append(p.worse() ? "confirmed" : "").append("\"><td>").append(Svg.esc(p.column())).append("</td><td>")
                        .append(Svg.esc(p.name())).append(' ').append(Svg.esc(p.unit())).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.2f</td><td>%.2f</td><td>%+.1f%% (&plusmn;%.1f%%)", p.base(), p.head(), p.changePercent(),
                                p.errorPercent()))
                        .append("</td></tr>");
            }
            h.append("</table>");
        }
        table(h, "Fixed", c.fixed(), out, headDir, false);
        table(h, "Flaky", c.flaky(), out, headDir, false);
        table(h, "Skipped differently", c.skipChanged(), out, headDir, false);
        table(h, "Only in the base", c.onlyBase(), out, baseDir, false);
        table(h, "Only in the head", c.onlyHead(), out, headDir, false);
        table(h, "Failing on both sides", c.stillFailing(), out, headDir, false);
        return h.append("</body></html>\n").toString();
    }

    private static void table(StringBuilder h, String title, List<TestChange> list, Path out, Optional<Path> dir, boolean confirmation) {
        if (list.isEmpty()) {
            return;
        }
        h.append("<h2>").append(title).append(" (").append(list.size()).append(")</h2><table><tr><th>board</th><th>group</th><th>test</th><th>base</th>")
                .append("<th>head</th>").append(confirmation ? "<th>confirmed</th>" : "").append("<th>why</th></tr>");
        for (TestChange t : list) {
            String test = Svg.esc(t.test());
            if (dir.isPresent() && !t.directory().isEmpty()) {
                String href = out.toAbsolutePath().relativize(dir.get().toAbsolutePath().resolve(t.directory())).toString().replace('\\', '/');
                test = "<a href=\"" + Svg.esc(href) + "/\">" + test + "</a>";
            }
            h.append("<tr class=\"").append(confirmation ? t.confirmation().label() : "").append("\"><td>").append(Svg.esc(t.column())).append("</td><td>")
                    .append(Svg.esc(t.testgroup())).append("</td><td>").append(test).append("</td><td>").append(Svg.esc(t.base())).append("</td><td>")
                    .append(Svg.esc(t.head())).append("</td>");
            if (confirmation) {
                h.append("<td>").append(t.confirmation().label()).append("</td>");
            }
            h.append("<td><pre>").append(Svg.esc(t.why())).append("</pre></td></tr>");
        }
        h.append("</table>");
    }
}
