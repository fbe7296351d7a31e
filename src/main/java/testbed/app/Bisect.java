package testbed.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import testbed.compare.Side;
import testbed.config.Workspace;
import testbed.results.AtomicJson;
import testbed.session.SessionListener;
import testbed.session.SessionRecord;
import testbed.source.Sources;

/**
 * {@code testbed bisect}: the first commit between a good and a bad one where a test fails on a board, found as
 * {@code git bisect} finds it (halving the commits after good up to bad), each step a session on the commit's tests
 * and, where the board's firmware is built from the source, its firmware. A step runs the test {@code repeats} times
 * and calls the commit bad when any run failed, so one lucky pass of a flaky failure does not mislead it; a commit
 * whose firmware does not build, or where the test did not run, is skipped. Every step is kept in
 * {@code results/bisect-<id>/}: run again with the same arguments, a bisect reuses the steps it recorded.
 */
public final class Bisect {

    public enum Verdict {
        GOOD, BAD, SKIP;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase();
        }
    }

    /** What to bisect. {@code group} runs {@code test}; {@code request} is the session each step runs (its lab, board, options). */
    public record Question(String remote, String good, String bad, String test, String group, int repeats, Runs.RunRequest request) {}

    /**
     * A step: a commit, what the test did there, and where its session is.
     *
     * @param reused recorded by an earlier run of the same bisect, not run again
     */
    public record Step(String commit, String author, String subject, Verdict verdict, String why, String results, @JsonProperty("duration_s") double seconds,
            boolean reused, @JsonProperty("firmware_from_source") boolean firmwareFromSource) {}

    /**
     * @param firstBad the first bad commit; empty when skipped commits leave it open (then {@code candidates} lists them)
     * @param firmwareFromSource false when the board's firmware is prebuilt: only the tests were bisected
     */
    public record Result(String id, Path dir, String remote, String good, String bad, String test, String group, int commits, List<Step> steps,
            @JsonProperty("first_bad") Optional<Step> firstBad, List<String> candidates, @JsonProperty("firmware_from_source") boolean firmwareFromSource) {}

    public interface Listener {
        /** The console of the session of step {@code step} (about {@code remaining} steps left with it). */
        SessionListener starting(String commit, String subject, int step, int remaining);

        void finished(Step step);

        void message(String text);
    }

    private Bisect() {}

    /** The group that runs a test, by its folder: what a bisect runs when not told. */
    public static String groupOf(String test) {
        if (test.startsWith("multi_net/")) {
            return "RUN-MULTITESTS_MULTINET";
        }
        if (test.startsWith("perf_bench/")) {
            return "RUN-PERFBENCH";
        }
        return "RUN-TESTS_STANDARD";
    }

    /** The folder of a bisect: the same question always gets the same one, so a second run resumes. */
    public static Path folder(Path resultsRoot, Question q) {
        return resultsRoot.resolve("bisect-" + id(q));
    }

    public static Result run(Workspace workspace, Question q, Path dir, Listener listener, Clock clock) {
        List<Sources.Commit> commits = MicroPython.commitsBetween(q.remote(), q.good(), q.bad(), workspace.settings());
        if (commits.isEmpty()) {
            throw new testbed.model.InvalidInputException("--bad " + q.bad() + ": no commit after --good " + q.good());
        }
        // Every step's request is this one on another commit: checked once, on the bad commit, before any step runs.
        Runs.validate(workspace, q.request().withMicropython(MicroPython.source(q.remote() + "@" + commits.get(commits.size() - 1).hash(),
                workspace.settings())).withOnlyTests(List.of(q.group() + "=" + q.test())));
        List<Step> steps = new ArrayList<>();
        Verdict[] known = new Verdict[commits.size()];
        known[commits.size() - 1] = Verdict.BAD; // as git bisect: the bad commit is taken at its word
        int lo = -1; // the last known good (−1: the good commit itself)
        int hi = commits.size() - 1; // the first known bad
        boolean fromSource = true;
        while (hi - lo > 1) {
            int probe = nextProbe(known, lo, hi);
            if (probe < 0) {
                break; // every commit left between them was skipped
            }
            Sources.Commit c = commits.get(probe);
            Step step = step(workspace, q, dir, c, steps.size() + 1, (int) Math.ceil(Math.log(hi - lo) / Math.log(2)), listener, clock);
            fromSource &= step.firmwareFromSource();
            steps.add(step);
            listener.finished(step);
            known[probe] = step.verdict();
            if (step.verdict() == Verdict.GOOD) {
                lo = probe;
            } else if (step.verdict() == Verdict.BAD) {
                hi = probe;
            }
            save(dir, q, commits.size(), steps, Optional.empty(), List.of(), fromSource);
        }
        Optional<Step> firstBad = Optional.empty();
        List<String> candidates = new ArrayList<>();
        if (hi - lo == 1) {
            Sources.Commit c = commits.get(hi);
            int at = hi;
            firstBad = Optional.of(steps.stream().filter(s -> s.commit().equals(c.hash())).findFirst()
                    .orElse(new Step(c.hash(), c.author(), c.subject(), Verdict.BAD, at == commits.size() - 1 ? "given as --bad" : "", "", 0, false, true)));
        } else {
            for (int i = lo + 1; i <= hi; i++) {
                candidates.add(commits.get(i).hash());
            }
            listener.message("skipped commits leave " + candidates.size() + " candidates for the first bad commit");
        }
        if (!fromSource) {
            listener.message("the board's firmware is not built from the source: only the tests were bisected, not the firmware");
        }
        return save(dir, q, commits.size(), steps, firstBad, candidates, fromSource);
    }

    /** The middle of the open range, or the unskipped commit nearest to it; −1 when every one was skipped. */
    static int nextProbe(Verdict[] known, int lo, int hi) {
        int mid = Math.max(lo + 1, Math.min(hi - 1, lo + (hi - lo) / 2));
        for (int d = 0; d < hi - lo; d++) {
            for (int candidate : new int[] {mid + d, mid - d}) {
                if (candidate > lo && candidate < hi && known[candidate] != Verdict.SKIP) {
                    return candidate;
                }
            }
        }
        return -1;
    }

    private static Step step(Workspace workspace, Question q, Path dir, Sources.Commit c, int number, int remaining, Listener listener, Clock clock) {
        Path stepDir = dir.resolve(c.hash().substring(0, 12));
        Optional<Step> recorded = readStep(stepDir);
        if (recorded.isPresent()) {
            Step s = recorded.get();
            return new Step(s.commit(), s.author(), s.subject(), s.verdict(), s.why(), s.results(), s.seconds(), true, s.firmwareFromSource());
        }
        Optional<Step> known = fromHistory(workspace, q, c);
        if (known.isPresent()) {
            AtomicJson.write(stepDir.resolve("step.json"), known.get()); // this bisect's record too, so it resumes without the history
            return known.get();
        }
        long t0 = clock.millis();
        Runs.RunRequest request = q.request().withMicropython(MicroPython.source(q.remote() + "@" + c.hash(), workspace.settings()))
                .withOnlyTests(List.of(q.group() + "=" + q.test()));
        // One session per repeat, each in its own folder: a pass must be repeated too (a session's --count repeats failures only).
        List<SessionRecord> sessions = new ArrayList<>();
        Judged judged = new Judged(Verdict.SKIP, "");
        for (int i = 1; i <= q.repeats(); i++) {
            Path runDir = q.repeats() == 1 ? stepDir : stepDir.resolve("run-" + i);
            Runs.RunResult r = Runs.run(workspace, request.withResults(runDir), listener.starting(c.hash(), c.subject(), number, remaining), clock);
            if (r.session().verdict() == testbed.session.Verdict.INTERRUPTED) {
                throw new testbed.model.LabException("bisect interrupted at " + c.hash().substring(0, 12) + "; run it again to resume from the steps recorded");
            }
            sessions.add(r.session().record());
            judged = judge(sessions, q.test());
            if (judged.verdict() != Verdict.GOOD) {
                break; // one failure makes it bad; a commit that does not build will not build the second time either
            }
        }
        boolean fromSource = sessions.stream().allMatch(x -> x.firmwareNotFromSource().isEmpty());
        Step s = new Step(c.hash(), c.author(), c.subject(), judged.verdict(), judged.why(), dir.relativize(stepDir).toString(), (clock.millis() - t0) / 1000.0, false,
                fromSource);
        AtomicJson.write(stepDir.resolve("step.json"), s);
        return s;
    }

    /**
     * The test's outcomes at this commit on the bisected board, as the history has them from earlier sessions: bad with
     * one failure, good with as many passes as a step would run; else nothing to reuse. Only with one board named.
     */
    private static Optional<Step> fromHistory(Workspace workspace, Question q, Sources.Commit c) {
        List<String> firmware = q.request().session().selection().firmware();
        if (firmware.size() != 1) {
            return Optional.empty();
        }
        Optional<testbed.history.JdbcHistory> history = Histories.open(q.request().history(), workspace.settings());
        if (history.isEmpty()) {
            return Optional.empty();
        }
        List<String> outcomes;
        try (testbed.history.JdbcHistory h = history.get()) {
            outcomes = h.outcomesAt(c.hash(), q.test(), testbed.model.BoardVariant.parse(firmware.get(0)));
        }
        long failed = outcomes.stream().filter(o -> o.equals("failed") || o.equals("error") || o.equals("timeout")).count();
        long passed = outcomes.stream().filter("passed"::equals).count();
        String why = "from the history: " + String.join(", ", outcomes);
        if (failed > 0) {
            return Optional.of(new Step(c.hash(), c.author(), c.subject(), Verdict.BAD, why, "", 0, true, true));
        }
        if (passed >= q.repeats()) {
            return Optional.of(new Step(c.hash(), c.author(), c.subject(), Verdict.GOOD, why, "", 0, true, true));
        }
        return Optional.empty();
    }

    /** What a step's runs say of the commit, and why. */
    record Judged(Verdict verdict, String why) {}

    /** Bad when the test failed in any run, good when it passed in every one, else skipped (with why). */
    static Judged judge(List<SessionRecord> sessions, String test) {
        Side.Tally t = Side.of("step", sessions).tally(test);
        if (t.failed() > 0) {
            return new Judged(Verdict.BAD, t.failed() + " of " + t.total() + " runs failed" + (t.passed() > 0 ? " (flaky: " + t.passed() + " passed)" : ""));
        }
        if (t.passed() > 0 && t.passed() == t.total()) {
            return new Judged(Verdict.GOOD, t.passed() + " of " + t.total() + " runs passed");
        }
        SessionRecord session = sessions.get(sessions.size() - 1);
        Optional<String> buildError = session.builds().stream().map(SessionRecord.Build::error).filter(e -> e != null && !e.isBlank()).findFirst();
        if (buildError.isPresent()) {
            return new Judged(Verdict.SKIP, "the firmware does not build: " + buildError.get().lines().findFirst().orElse(""));
        }
        if (t.total() > 0) {
            return new Judged(Verdict.SKIP, "the test did not pass or fail: " + t.firstInWords());
        }
        return new Judged(Verdict.SKIP,
                session.leftovers().stream().findFirst().map(l -> "nothing ran: " + l.detail()).orElse("the test did not run at this commit"));
    }

    private static Optional<Step> readStep(Path stepDir) {
        Path f = stepDir.resolve("step.json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(AtomicJson.MAPPER.readValue(f.toFile(), Step.class));
        } catch (java.io.IOException e) {
            return Optional.empty(); // a step cut off while written: run it again
        }
    }

    private static Result save(Path dir, Question q, int commits, List<Step> steps, Optional<Step> firstBad, List<String> candidates, boolean fromSource) {
        Result r = new Result(dir.getFileName().toString(), dir, q.remote(), q.good(), q.bad(), q.test(), q.group(), commits, List.copyOf(steps), firstBad,
                candidates, fromSource);
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("id", r.id());
        json.put("remote", r.remote());
        json.put("good", r.good());
        json.put("bad", r.bad());
        json.put("test", r.test());
        json.put("group", r.group());
        json.put("commits", r.commits());
        json.put("steps", r.steps());
        json.put("first_bad", r.firstBad().orElse(null));
        json.put("candidates", r.candidates());
        json.put("firmware_from_source", fromSource);
        AtomicJson.write(dir.resolve("bisect.json"), json);
        return r;
    }

    private static String id(Question q) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String key = String.join("\n", q.remote(), q.good(), q.bad(), q.test(), q.group(), String.join(",", q.request().session().selection().firmware()),
                    q.request().session().lab());
            return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
