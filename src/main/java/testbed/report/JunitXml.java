package testbed.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import testbed.results.AttemptRecord;
import testbed.runner.Outcome;
import testbed.runner.TestResult;
import testbed.session.SessionRecord;

/**
 * {@code junit.xml} in the format CI servers read (Surefire's flavour): one testsuite per board-variant (and role),
 * firmware and tentacle as properties, one testcase per test with its group as class name. Retries follow Surefire:
 * a test that failed and then passed is a passing testcase with {@code flakyFailure}; one that failed in every
 * attempt has a {@code failure} for the last and a {@code rerunFailure} for each earlier one.
 */
final class JunitXml {

    private JunitXml() {}

    private record Case(String group, String name, List<TestResult> attempts, List<String> letters, double time) {}

    static String of(SessionRecord session) {
        Map<String, List<SessionRecord.Run>> suites = new LinkedHashMap<>();
        for (SessionRecord.Run run : session.runs()) {
            if (!run.attempts().isEmpty()) {
                suites.computeIfAbsent(SessionView.column(run), k -> new ArrayList<>()).add(run);
            }
        }
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuites name=\"testbed ").append(Svg.esc(session.sessionId())).append("\">\n");
        for (var suite : suites.entrySet()) {
            List<Case> cases = new ArrayList<>();
            List<GroupCase> groups = new ArrayList<>();
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("lab", session.lab());
            properties.put("session", session.sessionId());
            for (SessionRecord.Run run : suite.getValue()) {
                AttemptRecord first = run.attempts().get(0);
                properties.put("tentacle " + run.testgroup(), String.join(",", run.tentacles()));
                properties.put("status " + run.testid(), run.status().label()); // the run's status, as in run.json and the history
                first.firmware().forEach((serial, fw) -> properties.put("firmware " + serial, fw));
                Map<String, Case> byName = new LinkedHashMap<>();
                for (AttemptRecord a : run.attempts()) {
                    for (TestResult t : a.tests()) {
                        Case c = byName.computeIfAbsent(t.name(), n -> new Case(run.testgroup(), n, new ArrayList<>(), new ArrayList<>(), 0));
                        c.attempts().add(t);
                        c.letters().add(a.attempt());
                    }
                    if (a.tests().isEmpty() && !a.error().isEmpty()) {
                        groups.add(new GroupCase(run.testgroup(), a.directory(), a.status(), a.error()));
                    }
                }
                cases.addAll(byName.values());
            }
            long failures = cases.stream().filter(c -> last(c).outcome() == Outcome.FAILED).count();
            long skippedGroups = groups.stream().filter(g -> g.status() == testbed.model.Status.SKIPPED).count();
            long errorCount = cases.stream().filter(c -> last(c).outcome() == Outcome.ERROR || last(c).outcome() == Outcome.TIMEOUT).count()
                    + groups.size() - skippedGroups;
            long skipped = cases.stream().filter(c -> last(c).outcome() == Outcome.SKIPPED || last(c).outcome() == Outcome.XFAILED
                    || last(c).outcome() == Outcome.IGNORED || last(c).outcome() == Outcome.NOT_RUN).count() + skippedGroups;
            double time = cases.stream().mapToDouble(c -> c.attempts().stream().mapToDouble(TestResult::durationSeconds).sum()).sum();
            x.append("  <testsuite name=\"").append(Svg.esc(suite.getKey())).append("\" tests=\"").append(cases.size() + groups.size())
                    .append("\" failures=\"").append(failures).append("\" errors=\"").append(errorCount).append("\" skipped=\"").append(skipped)
                    .append("\" time=\"").append(String.format(Locale.ROOT, "%.3f", time)).append("\" timestamp=\"")
                    .append(Svg.esc(session.timeStart().length() >= 19 ? session.timeStart().substring(0, 19) : session.timeStart())).append("\">\n");
            x.append("    <properties>\n");
            properties.forEach((k, v) -> x.append("      <property name=\"").append(Svg.esc(k)).append("\" value=\"").append(Svg.esc(v)).append("\"/>\n"));
            x.append("    </properties>\n");
            for (Case c : cases) {
                TestResult last = last(c);
                x.append("    <testcase classname=\"").append(Svg.esc(c.group())).append("\" name=\"").append(Svg.esc(c.name())).append("\" time=\"")
                        .append(String.format(Locale.ROOT, "%.3f", last.durationSeconds())).append("\">\n");
                switch (last.outcome()) {
                    case FAILED -> x.append("      <failure message=\"").append(Svg.esc(firstLine(last.reason()))).append("\" type=\"failed\">")
                            .append(Svg.esc(last.reason())).append("</failure>\n");
                    case ERROR, TIMEOUT -> x.append("      <error message=\"").append(Svg.esc(firstLine(last.reason()))).append("\" type=\"")
                            .append(last.outcome().label()).append("\">").append(Svg.esc(last.reason())).append("</error>\n");
                    case SKIPPED, XFAILED, IGNORED, NOT_RUN -> x.append("      <skipped message=\"")
                            .append(Svg.esc(switch (last.outcome()) {
                                case XFAILED -> "xfail: ";
                                case IGNORED -> "ignored (known flaky): ";
                                default -> "";
                            }))
                            .append(Svg.esc(firstLine(last.reason()))).append("\"/>\n");
                    case PASSED -> { }
                }
                boolean passedAtLast = last.outcome() == Outcome.PASSED;
                for (int i = 0; i < c.attempts().size() - 1; i++) {
                    TestResult earlier = c.attempts().get(i);
                    if (earlier.outcome().isFailure()) {
                        String tag = passedAtLast ? "flakyFailure" : "rerunFailure";
                        x.append("      <").append(tag).append(" message=\"attempt ").append(c.letters().get(i)).append(": ")
                                .append(Svg.esc(firstLine(earlier.reason()))).append("\" type=\"").append(earlier.outcome().label()).append("\">")
                                .append(Svg.esc(earlier.reason())).append("</").append(tag).append(">\n");
                    }
                }
                x.append("    </testcase>\n");
            }
            for (GroupCase g : groups) {
                // A group the runner skipped as a whole (the board lacks what it needs) is skipped, not an error; the lab failing is one.
                x.append("    <testcase classname=\"").append(Svg.esc(g.group())).append("\" name=\"").append(Svg.esc(g.directory())).append("\" time=\"0\">\n")
                        .append(g.status() == testbed.model.Status.SKIPPED ? "      <skipped message=\"" : "      <error message=\"")
                        .append(Svg.esc(firstLine(g.message()))).append(g.status() == testbed.model.Status.SKIPPED ? "\"/>\n" : "\" type=\""
                                + Svg.esc(g.status().label()) + "\"/>\n")
                        .append("    </testcase>\n");
            }
            x.append("  </testsuite>\n");
        }
        return x.append("</testsuites>\n").toString();
    }

    /** An attempt with no test of its own: the group skipped as a whole, or the lab failed it. */
    private record GroupCase(String group, String directory, testbed.model.Status status, String message) {}

    private static TestResult last(Case c) {
        return c.attempts().get(c.attempts().size() - 1);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
