package testbed.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import testbed.results.AttemptRecord;
import testbed.session.SessionRecord;

/** When each attempt and build ran: {@code timing.txt}, and the bars of the report's Gantt chart. */
final class Timing {

    private Timing() {}

    static List<Svg.Bar> bars(SessionView v) {
        List<Svg.Bar> bars = new ArrayList<>();
        for (SessionRecord.Run run : v.session().runs()) {
            for (AttemptRecord a : run.attempts()) {
                if (a.timeStart().isEmpty()) {
                    continue;
                }
                Instant start = Instant.parse(a.timeStart());
                Instant end = a.timeEnd().isEmpty() ? v.end() : Instant.parse(a.timeEnd());
                String color = switch (a.status()) {
                    case PASSED, XFAILED -> Svg.PASS;
                    case FAILED -> Svg.FAIL;
                    case SKIPPED -> Svg.SKIP;
                    default -> Svg.ERROR;
                };
                for (String tentacle : run.tentacles()) {
                    bars.add(new Svg.Bar(tentacle, start, end, color, a.directory() + " (" + a.status().label() + ", " + a.durationSeconds() + " s"
                            + (a.flashed().isEmpty() || a.timePrepared().isEmpty() ? ""
                                    : ", flashed for " + Duration.between(start, Instant.parse(a.timePrepared())).toSeconds() + " s")
                            + (a.waited().isEmpty() ? "" : "; " + a.waited()) + ")"));
                }
            }
        }
        // Builds run beside the tests (the FirmwareBartender's background job): one row, so the overlap shows.
        for (SessionRecord.Build b : v.session().builds()) {
            Instant start = Instant.parse(b.timeStart());
            Instant end = b.timeEnd().isEmpty() ? v.end() : Instant.parse(b.timeEnd());
            bars.add(new Svg.Bar("firmware builds", start, end, b.error().isEmpty() ? Svg.PASS : Svg.FAIL, "build " + b.firmware() + " ("
                    + (b.timeEnd().isEmpty() ? "not finished" : b.error().isEmpty() ? "built" : "failed: " + b.error()) + ", " + b.durationSeconds() + " s)"));
        }
        return bars;
    }

    static List<String> rows(List<Svg.Bar> bars) {
        return bars.stream().map(Svg.Bar::row).distinct().sorted().toList();
    }

    static String text(SessionView v) {
        StringBuilder out = new StringBuilder();
        out.append("timing of session ").append(v.session().sessionId()).append(" (seconds from the start)\n\n");
        List<Svg.Bar> bars = bars(v);
        for (String row : rows(bars)) {
            out.append(row).append('\n');
            bars.stream().filter(b -> b.row().equals(row)).sorted(java.util.Comparator.comparing(Svg.Bar::start)).forEach(b -> out.append(String.format(
                    Locale.ROOT, "  %8.1f %8.1f  %s%n", secondsFrom(v.start(), b.start()), secondsFrom(v.start(), b.end()), b.label())));
        }
        return out.toString();
    }

    private static double secondsFrom(Instant start, Instant t) {
        return Duration.between(start, t).toMillis() / 1000.0;
    }
}
