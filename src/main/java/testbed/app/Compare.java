package testbed.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import testbed.compare.Comparison;
import testbed.compare.Side;
import testbed.config.Workspace;
import testbed.model.InvalidInputException;
import testbed.model.LabException;
import testbed.model.RunnerSpec;
import testbed.model.TestRunSpec;
import testbed.report.CompareReport;
import testbed.session.SessionFiles;
import testbed.session.SessionListener;
import testbed.session.SessionRecord;
import testbed.session.Verdict;

/**
 * {@code testbed compare}: what a head MicroPython changes against a base on the same boards. Either two recorded
 * sessions, or two sessions run now, at once, with the same options (base and head take turns on every tentacle),
 * after which every newly failing test is run again on the head (and once more while it fails) before it is called
 * a regression. The folder gets {@code base/}, {@code head/}, {@code confirm/} and the comparison's reports.
 */
public final class Compare {

    /** Times each newly failing test is run again. */
    public static final int CONFIRM_RUNS = 2;

    /** @param sessions the sessions run for it (none for recorded sessions); their verdicts tell whether both sides finished */
    public record Result(Comparison comparison, Path dir, List<Runs.RunResult> sessions) {
        /** Both sides ran to their end (or were recorded): the comparison speaks for the whole selection. */
        public boolean complete() {
            return sessions.stream().noneMatch(r -> r.session().verdict() == Verdict.INTERRUPTED);
        }
    }

    /** What a compare tells its user as it goes. */
    public interface Listener {
        /** The console of one of its sessions: {@code base}, {@code head} or {@code confirm}. */
        SessionListener starting(String step, Runs.RunRequest request);

        void message(String text);
    }

    private Compare() {}

    /** Two recorded sessions (their results folders), compared into {@code out}. */
    public static Result recorded(Path base, Path head, Path out) {
        SessionRecord b = read(base);
        SessionRecord h = read(head);
        Comparison c = Comparison.of(Side.of("base", List.of(b)), Side.of("head", List.of(h)));
        write(out, c, base, head);
        return new Result(c, out, List.of());
    }

    /**
     * Runs the base and the head at once (requests that differ only in their MicroPython source), then the head's newly
     * failing tests again, and compares. Both requests are checked before either starts.
     */
    public static Result run(Workspace workspace, Runs.RunRequest base, Runs.RunRequest head, Path out, Listener listener, Clock clock) {
        Runs.validate(workspace, base);
        Runs.validate(workspace, head);
        List<Runs.RunResult> sessions = java.util.Collections.synchronizedList(new ArrayList<>());
        // Base and head run at once on the same lab: each run locks its tentacles, so the two take turns on every board
        // (each reflashed as its turn comes), and a drifting board or a loaded host hits both alike.
        java.util.concurrent.ExecutorService both = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "compare");
            t.setDaemon(true);
            return t;
        });
        Runs.RunResult b;
        Runs.RunResult h;
        try {
            java.util.concurrent.Future<Runs.RunResult> fb = both.submit(() -> step(workspace, "base", base.withResults(out.resolve("base")), listener, clock,
                    sessions));
            java.util.concurrent.Future<Runs.RunResult> fh = both.submit(() -> step(workspace, "head", head.withResults(out.resolve("head")), listener, clock,
                    sessions));
            b = fb.get();
            h = fh.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("compare interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // a side's own error (bad input, the lab): as if it had run alone
            }
            throw new LabException("compare: " + e.getCause().getMessage(), e.getCause());
        } finally {
            both.shutdownNow();
        }
        if (b.session().verdict() == Verdict.INTERRUPTED || h.session().verdict() == Verdict.INTERRUPTED) {
            return partial(out, sessions);
        }
        Comparison c = Comparison.of(Side.of("base", List.of(b.session().record())), Side.of("head", List.of(h.session().record())));
        if (!c.regressions().isEmpty()) {
            List<String> again = rerunEntries(c.regressions(), workspace.specs());
            listener.message("confirming " + c.regressions().size() + " newly failing test" + (c.regressions().size() == 1 ? "" : "s") + " on the head: "
                    + String.join(" ", again));
            Runs.RunResult confirm = step(workspace, "confirm", head.withOnlyTests(again).withCount(CONFIRM_RUNS).withResults(out.resolve("confirm")),
                    listener, clock, sessions);
            c = c.confirmedBy(Side.of("confirm", List.of(confirm.session().record())));
        }
        write(out, c, out.resolve("base"), out.resolve("head"));
        return new Result(c, out, sessions);
    }

    /**
     * {@code --only-test} entries that run just these tests again: {@code GROUP=test,test} for MicroPython's runners,
     * the whole group for a built-in suite (it takes no list).
     */
    static List<String> rerunEntries(List<Comparison.TestChange> tests, List<TestRunSpec> specs) {
        Map<String, TreeSet<String>> byGroup = new LinkedHashMap<>();
        tests.forEach(t -> byGroup.computeIfAbsent(t.testgroup(), g -> new TreeSet<>()).add(t.test()));
        List<String> entries = new ArrayList<>();
        byGroup.forEach((group, names) -> {
            boolean external = specs.stream().anyMatch(s -> s.label().equals(group) && s.runner() instanceof RunnerSpec.External);
            entries.add(external ? group + "=" + String.join(",", names) : group);
        });
        return entries;
    }

    private static Runs.RunResult step(Workspace workspace, String name, Runs.RunRequest request, Listener listener, Clock clock,
            List<Runs.RunResult> sessions) {
        Runs.RunResult r = Runs.run(workspace, request, listener.starting(name, request), clock);
        sessions.add(r);
        return r;
    }

    private static Result partial(Path out, List<Runs.RunResult> sessions) {
        return new Result(null, out, sessions);
    }

    private static void write(Path out, Comparison c, Path base, Path head) {
        try {
            CompareReport.write(out, c, Optional.of(base), Optional.of(head));
        } catch (IOException e) {
            throw new LabException("cannot write the comparison into " + out + ": " + e.getMessage(), e);
        }
    }

    private static SessionRecord read(Path dir) {
        if (!Files.isRegularFile(dir.resolve(SessionFiles.SUMMARY))) {
            throw new InvalidInputException(dir + ": not a session's results folder (no " + SessionFiles.SUMMARY + ")");
        }
        return SessionFiles.read(dir);
    }
}
