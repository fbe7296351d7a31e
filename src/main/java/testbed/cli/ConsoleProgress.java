package testbed.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import testbed.bartender.Leftover;
import testbed.bartender.RunOutcome;
import testbed.model.Status;
import testbed.results.RunReport;
import testbed.model.TestRun;
import testbed.results.AttemptRecord;
import testbed.session.SessionListener;
import testbed.session.SessionRecord;

/**
 * The user's view of a running session. On a terminal: a live progress line (runs done/total, what runs on which
 * tentacle, failures, ETA) above which started and finished runs scroll, coloured as in the anchor (started blue,
 * passed green, failed orange, error red). Elsewhere (CI, a pipe): plain log lines, no control codes.
 */
final class ConsoleProgress implements SessionListener {

    private static final String BLUE = "\u001b[34m";
    private static final String GREEN = "\u001b[32m";
    private static final String ORANGE = "\u001b[38;5;208m";
    private static final String RED = "\u001b[31m";
    private static final String RESET = "\u001b[0m";

    private final PrintWriter out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void started(String lab, int tentacles, int workItems, String resultsDir) {
        line(String.format("session on lab '%s': %d tentacles, %d work items; results in %s", lab, tentacles, workItems, resultsDir), null);
    }

    @Override
    public synchronized void message(String text) {
        line(text, null);
    }

    @Override
    public synchronized void runStarted(TestRun run, Progress progress) {
        line(String.format("%s: started (%d/%d)", run.testid(), progress.started(), progress.total()), BLUE);
        status(progress);
    }

    @Override
    public synchronized void runFinished(RunReport report, Progress progress) {
        String color;
        String what;
        if (report.outcome() instanceof RunOutcome.InfraError e) {
            color = RED;
            what = e.kind().name().toLowerCase() + ": " + e.message();
        } else {
            AttemptRecord last = report.attempts().get(report.attempts().size() - 1);
            color = report.status() == Status.FAILED ? ORANGE : GREEN;
            what = last.status() == Status.SKIPPED ? "skipped: " + last.error() : counts(report);
        }
        // What was flashed, once it was (the bartender only guessed at the start; a board may have carried it already).
        List<String> flashed = report.attempts().stream().flatMap(a -> a.flashed().stream()).distinct().toList();
        line(report.run().testid() + ": " + (flashed.isEmpty() ? "" : "flashed " + String.join(", ", flashed) + "; ") + what, color);
        status(progress);
    }

    private static String counts(RunReport report) {
        return report.attempts().stream().map(a -> a.attempt() + " " + a.counts().get("passed") + " passed, "
                + (a.counts().get("failed") + a.counts().get("error") + a.counts().get("timeout")) + " failed, " + a.counts().get("skipped") + " skipped")
                .collect(Collectors.joining("; "));
    }

    @Override
    public synchronized void finished(SessionRecord record, List<Leftover> leftovers) {
        if (terminal) {
            out.print("\r\u001b[K");
        }
        out.println();
        Table table = new Table("testid", "outcome", "attempts", "passed", "failed", "skipped", "time");
        for (SessionRecord.Run r : record.runs()) {
            long passed = r.attempts().stream().mapToLong(a -> a.counts().get("passed")).sum();
            long failed = r.attempts().stream().mapToLong(a -> a.counts().get("failed") + a.counts().get("error") + a.counts().get("timeout")).sum();
            long skipped = r.attempts().stream().mapToLong(a -> a.counts().get("skipped")).sum();
            table.row(r.testid(), colored(r.status()), r.attempts().stream().map(AttemptRecord::attempt).collect(Collectors.joining(",")), passed,
                    failed, skipped, String.format("%.1fs", r.durationSeconds()));
        }
        if (!table.isEmpty()) {
            table.print(out, "");
        }
        if (!leftovers.isEmpty()) {
            out.printf("%nLeft over (%d):%n", leftovers.size());
            PlanRenderer.renderLeftovers(leftovers, out);
        }
        long passedRuns = record.runs().stream().filter(r -> r.status().isPass()).count();
        long failedRuns = record.runs().stream().filter(r -> r.status() == Status.FAILED).count();
        long errorRuns = record.runs().stream().filter(r -> r.status().isInfra()).count();
        long skippedRuns = record.runs().stream().filter(r -> r.status() == Status.SKIPPED).count();
        long cutRuns = record.runs().stream().filter(r -> r.status() == Status.INTERRUPTED || r.status() == Status.NEVER_FINISHED).count();
        out.printf("%n%d run%s: %d passed, %d failed, %d skipped, %d errors%s; %s; wall time %s; dispatch latency median %.1f ms (max %.1f ms, %d samples)%n",
                record.runs().size(), record.runs().size() == 1 ? "" : "s", passedRuns, failedRuns, skippedRuns, errorRuns,
                cutRuns == 0 ? "" : ", " + cutRuns + " interrupted", record.outcomeText(),
                PlanRenderer.hms(java.time.Duration.ofMillis(Math.round(record.durationSeconds() * 1000))), record.dispatchLatency().median(),
                record.dispatchLatency().max(), record.dispatchLatency().samples());
        if (!record.quarantined().isEmpty()) {
            out.println("quarantined: " + String.join(", ", record.quarantined()));
        }
        out.flush();
    }

    private String colored(Status status) {
        if (!terminal) {
            return status.label();
        }
        String c = switch (status) {
            case PASSED, XFAILED -> GREEN;
            case FAILED -> ORANGE;
            case ERROR, TIMEOUT -> RED;
            default -> "";
        };
        return c + status.label() + RESET;
    }

    private void line(String text, String color) {
        String stamp = String.format("%6.1fs ", (System.nanoTime() - startNanos) / 1e9);
        if (terminal) {
            out.print("\r\u001b[K" + stamp + (color == null ? text : color + text + RESET) + "\n");
        } else {
            out.println(stamp + text);
        }
        out.flush();
    }

    /** The live line at the bottom of a terminal. */
    private void status(Progress p) {
        if (!terminal) {
            return;
        }
        String running = p.running().stream().map(r -> r.dut().shortSerial() + ":" + r.spec().label()).collect(Collectors.joining(" "));
        String text = String.format("[%d/%d] %s%s | running %d: %s | ETA %s", p.done(), p.total(),
                p.failedRuns() > 0 ? ORANGE + p.failedRuns() + " failed" + RESET + " " : "", p.errors() > 0 ? RED + p.errors() + " errors" + RESET : "",
                p.running().size(), running, PlanRenderer.hms(java.time.Duration.ofSeconds(p.etaSeconds())));
        out.print("\r\u001b[K" + (text.length() > 200 ? text.substring(0, 200) : text));
        out.flush();
    }
}
