package testbed.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import testbed.bartender.Leftover;
import testbed.results.AttemptRecord;
import testbed.runner.Outcome;
import testbed.session.SessionRecord;

/** {@code report.md}: a session's outcome as a PR comment, and the boards a person should look at. */
final class SessionMarkdown {

    private SessionMarkdown() {}

    static String of(SessionView v) {
        SessionRecord s = v.session();
        StringBuilder md = new StringBuilder();
        md.append("## testbed: ").append(s.outcomeText()).append(" on lab `").append(s.lab())
                .append("`\n\n");
        md.append("Firmware: ").append(s.firmware().isEmpty() ? "(all)" : String.join(", ", s.firmware())).append(" · session `")
                .append(s.sessionId()).append("` · ").append(String.format(Locale.ROOT, "%.0f s", s.durationSeconds())).append(" · trigger ")
                .append(s.trigger()).append("\n\nMicroPython: ").append(s.testsRef()).append("\n\n");
        if (!s.firmwareNotFromSource().isEmpty()) {
            md.append("> **Warning: firmware not from the source under test.** Failures on these boards may be the difference between the two "
                    + "versions:\n");
            s.firmwareNotFromSource().forEach(line -> md.append("> - ").append(line).append("\n"));
            md.append("\n");
        }
        md.append("| group | runs | skipped | retried | errors | passed | failed | skipped tests | xfailed | ignored | not run |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        v.groups().forEach((g, x) -> md.append("| ").append(g).append(" | ").append(x.runs()).append(" | ").append(x.skippedRuns()).append(" | ")
                .append(x.retriedRuns()).append(" | ").append(x.errorRuns()).append(" | ").append(x.tests().getOrDefault(Outcome.PASSED, 0L))
                .append(" | ").append(x.failedTests())
                .append(" | ").append(x.tests().getOrDefault(Outcome.SKIPPED, 0L)).append(" | ").append(x.tests().getOrDefault(Outcome.XFAILED, 0L))
                .append(" | ").append(x.tests().getOrDefault(Outcome.IGNORED, 0L)).append(" | ").append(x.tests().getOrDefault(Outcome.NOT_RUN, 0L))
                .append(" |\n"));
        if (!v.matrix().isEmpty()) {
            md.append("\n### Failures\n\n");
            for (SessionView.MatrixRow row : v.matrix()) {
                md.append("- `").append(row.group()).append("` `").append(row.test()).append("`").append(row.flaky() ? " **flaky**" : "").append(": ");
                List<String> parts = new ArrayList<>();
                // Only where it did not simply pass: a PR comment names the boards that need a look.
                row.cells().forEach((col, list) -> {
                    if (list.stream().anyMatch(c -> c.outcome() != Outcome.PASSED)) {
                        parts.add(col + " " + String.join(",", list.stream().map(c -> c.letter() + " " + c.outcome().label()).toList()));
                    }
                });
                md.append(String.join("; ", parts)).append('\n');
            }
        }
        List<String> look = toLookAt(s);
        if (!look.isEmpty()) {
            md.append("\n### Boards to look at\n\n");
            look.forEach(line -> md.append("- ").append(line).append('\n'));
        }
        if (!s.leftovers().isEmpty()) {
            md.append("\n### Left over\n\n");
            for (Leftover l : s.leftovers()) {
                md.append("- ").append(l.spec()).append(l.item().isEmpty() ? "" : " " + l.item()).append(": ").append(l.reason().text())
                        .append(l.detail().isEmpty() ? "" : " (" + l.detail() + ")").append(l.tried().isEmpty() ? "" : "; tried as " + String.join(", ", l.tried()))
                        .append('\n');
            }
        }
        return md.toString();
    }

    /**
     * Boards the recovery ladder brought back only by a reflash, or not at all: a person should look at them (a flash
     * that corrupts, a bootloader that needs a hand), whatever became of the runs.
     */
    static List<String> toLookAt(SessionRecord s) {
        List<String> out = new ArrayList<>();
        for (SessionRecord.Run r : s.runs()) {
            for (AttemptRecord a : r.attempts()) {
                for (String line : a.recovery()) {
                    int at = line.indexOf(": recovery: ");
                    if (at < 0) {
                        continue;
                    }
                    String board = line.substring(0, at);
                    if (line.contains(": recovery: boot mode and reflash: answers")) {
                        out.add(board + ": came back only after a reflash (" + a.directory() + ")");
                    } else if (line.endsWith(": recovery: quarantine: beyond recovery")) {
                        out.add(board + ": beyond recovery, quarantined (" + a.directory() + ")");
                    }
                }
            }
        }
        return out;
    }
}
