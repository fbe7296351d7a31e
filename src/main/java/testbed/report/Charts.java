package testbed.report;

import java.time.Instant;
import java.util.List;
import testbed.history.History;

/** The report's SVG charts for other views of the same data (testbed serve): the same drawing, the same numbers. */
public final class Charts {

    /** A bar of a Gantt chart: one attempt on one tentacle; {@code status} as run.json spells it. */
    public record Bar(String row, Instant start, Instant end, String status, String label) {}

    private Charts() {}

    /** A benchmark on one board over sessions, its noise band shaded and the points that left it in red. */
    public static String perf(History.PerfSeries p) {
        double lo = p.mean() - p.band();
        double hi = p.mean() + p.band();
        double min = Math.min(lo, p.values().stream().mapToDouble(Double::doubleValue).min().orElse(0));
        double max = Math.max(hi, p.values().stream().mapToDouble(Double::doubleValue).max().orElse(1));
        return Svg.line(p.name() + " on " + p.boardVariant() + (p.params().isEmpty() ? "" : " (" + p.params() + ")"), p.sessions(), p.values(),
                min * 0.95, max * 1.05, " " + p.unit(), p.changes(), lo, hi);
    }

    /** Tentacles × time from {@code start} to {@code end}. */
    public static String gantt(List<Bar> bars, Instant start, Instant end) {
        List<Svg.Bar> drawn = bars.stream().map(b -> new Svg.Bar(b.row(), b.start(), b.end(), color(b.status()), b.label())).toList();
        return Svg.timeline(Timing.rows(drawn), drawn, start, end);
    }

    static String color(String status) {
        return switch (status) {
            case "passed", "xfailed" -> Svg.PASS;
            case "failed" -> Svg.FAIL;
            case "skipped" -> Svg.SKIP;
            case "running", "never finished" -> Svg.LINE;
            default -> Svg.ERROR;
        };
    }
}
