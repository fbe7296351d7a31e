package testbed.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import testbed.bartender.RunOutcome;
import testbed.process.ToolRunner;

/**
 * run-tests.py giving up on a board part way ("Too many raw REPL failures"): the tests it planned but never reached
 * are listed by its own {@code --dry-run} and recorded as {@link Outcome#NOT_RUN}, never silently missing.
 */
final class GaveUp {

    private GaveUp() {}

    /** What run-tests.py (v1.28.0 and later) prints on giving up on a board: the tests after it are never run nor reported. */
    static final String MARKER = "Too many raw REPL failures, aborting test run";

    /**
     * The tests run-tests.py planned but never reported, as {@link Outcome#NOT_RUN}: its own {@code --dry-run} with the same
     * arguments lists what it planned. When the board does not answer even that, the attempt says it could not list them.
     */
    static List<TestResult> notRun(List<String> command, Path cwd, Map<String, String> env, RunContext ctx, List<TestResult> reported)
            throws RunAborted {
        Path dryDir = ctx.attemptDir().resolve("dry-run");
        List<String> dry = new ArrayList<>();
        for (String arg : command) {
            dry.add(arg.startsWith("--result-dir=") ? "--result-dir=" + dryDir : arg);
        }
        int rd = dry.indexOf("--result-dir");
        if (rd < 0) {
            rd = dry.indexOf("-r");
        }
        if (rd >= 0 && rd + 1 < dry.size()) {
            dry.set(rd + 1, dryDir.toString());
        } else if (dry.stream().noneMatch(a -> a.startsWith("--result-dir="))) {
            dry.add("--result-dir=" + dryDir);
        }
        dry.add("--dry-run");
        ctx.log("listing what run-tests.py planned: " + String.join(" ", dry));
        Set<String> done = new java.util.HashSet<>();
        reported.forEach(t -> done.add(t.name()));
        String reason = "not run: run-tests.py gave up on the board after repeated raw REPL failures";
        try {
            ToolRunner.Result r = ToolRunner.run(dry, cwd, env, java.time.Duration.ofSeconds(60), ctx.logStream());
            Path listing = dryDir.resolve("_results.json");
            if (!r.timedOut() && Files.isRegularFile(listing)) {
                return ExternalRunner.canonical(ResultsJson.planned(listing), ctx).stream().filter(t -> !done.contains(t.name()))
                        .map(t -> new TestResult(t.name(), Outcome.NOT_RUN, 0, reason)).toList();
            }
        } catch (IOException e) {
            // said below
        }
        throw new RunAborted(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(ctx.dut().tentacle().serial()), "run-tests.py gave up on the board after "
                + "repeated raw REPL failures, and the board did not answer a dry run listing the " + "tests it never reached", reported);
    }

}
