package testbed.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import testbed.bartender.Leftover;
import testbed.history.History;
import testbed.session.SessionRecord;

/**
 * The first screen of an unattended session's report: what changed since the last comparable session (new failures,
 * fixed tests, new flaky tests, benchmarks outside their noise band), which boards need attention (quarantined,
 * offline; never counted as failures) and what did not fit the time box.
 */
final class MorningReport {

    private MorningReport() {}

    static Map<String, Object> json(SessionRecord s, Optional<History.Changes> changes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("since", changes.flatMap(History.Changes::since).orElse(""));
        m.put("regressions", changes.map(History.Changes::regressions).orElse(List.of()));
        m.put("fixed", changes.map(History.Changes::fixed).orElse(List.of()));
        m.put("flaky", changes.map(History.Changes::flaky).orElse(List.of()));
        m.put("perf", changes.map(History.Changes::perf).orElse(List.of()));
        m.put("quarantined", s.quarantined());
        m.put("offline", of(s, Leftover.Reason.OFFLINE));
        m.put("did_not_fit", of(s, Leftover.Reason.DEADLINE));
        m.put("anything", changes.map(c -> !c.isEmpty()).orElse(false) || !s.quarantined().isEmpty() || !of(s, Leftover.Reason.OFFLINE).isEmpty());
        return m;
    }

    private static List<String> of(SessionRecord s, Leftover.Reason reason) {
        List<String> out = new ArrayList<>();
        s.leftovers().stream().filter(l -> l.reason() == reason).forEach(l -> out.add((l.spec() + " " + l.item()).strip()));
        return out;
    }

    static String html(SessionRecord s, Optional<History.Changes> changes) {
        StringBuilder h = new StringBuilder("<h2 id=\"changes\">What changed</h2>");
        if (changes.isEmpty()) {
            h.append("<p>No history: nothing to compare with.</p>");
        } else {
            History.Changes c = changes.get();
            h.append("<p>").append(c.since().map(x -> "Since session " + Svg.esc(x) + " (same lab, a test group in common).")
                    .orElse("No earlier comparable session.")).append("</p>");
            tests(h, "New failures (regressions)", c.regressions());
            tests(h, "Fixed", c.fixed());
            tests(h, "Flaky in this session (failed, then passed)", c.flaky());
            if (!c.perf().isEmpty()) {
                h.append("<h3>Benchmarks outside their noise band</h3><table><tr><th>board</th><th>benchmark</th><th>now</th><th>mean before</th></tr>");
                for (History.PerfChange p : c.perf()) {
                    h.append("<tr><td>").append(Svg.esc(p.boardVariant())).append("</td><td>").append(Svg.esc(p.name())).append("</td><td>")
                            .append(String.format(Locale.ROOT, "%.1f %s", p.value(), Svg.esc(p.unit()))).append("</td><td>")
                            .append(String.format(Locale.ROOT, "%.1f %s", p.meanBefore(), Svg.esc(p.unit()))).append("</td></tr>");
                }
                h.append("</table>");
            }
            if (c.isEmpty()) {
                h.append("<p>No test changed its outcome, no benchmark left its band.</p>");
            }
        }
        list(h, "Boards quarantined", s.quarantined());
        list(h, "Not run (offline)", of(s, Leftover.Reason.OFFLINE));
        list(h, "Did not fit the time box", of(s, Leftover.Reason.DEADLINE));
        return h.toString();
    }

    private static void tests(StringBuilder h, String title, List<History.TestChange> list) {
        if (list.isEmpty()) {
            return;
        }
        h.append("<h3>").append(title).append(" (").append(list.size()).append(")</h3><table><tr><th>group</th><th>test</th><th>board</th>")
                .append("<th>tentacle</th><th>before</th><th>now</th></tr>");
        for (History.TestChange t : list) {
            h.append("<tr><td>").append(Svg.esc(t.testgroup())).append("</td><td>").append(Svg.esc(t.test())).append("</td><td>")
                    .append(Svg.esc(t.boardVariant())).append("</td><td>").append(Svg.esc(t.tentacle())).append("</td><td class=\"").append(Svg.esc(t.before())).append("\">").append(Svg.esc(t.before()))
                    .append("</td><td class=\"").append(Svg.esc(t.now())).append("\">").append(Svg.esc(t.now())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void list(StringBuilder h, String title, List<String> items) {
        if (!items.isEmpty()) {
            h.append("<h3>").append(title).append("</h3><p>").append(Svg.esc(String.join(", ", items))).append("</p>");
        }
    }
}
