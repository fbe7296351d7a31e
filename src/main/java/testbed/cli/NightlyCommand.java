package testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.app.Nightly;
import testbed.app.Runs;
import testbed.app.TimeBox;
import testbed.config.NightlyPlan;
import testbed.config.Workspace;
import testbed.session.SessionListener;

/**
 * {@code testbed nightly PLAN.json}: the rounds of a plan one after the other until its deadline, each a session with
 * its own results folder ({@code results/nightly-<date>/<round>/}) and history session, linked by the trigger
 * {@code nightly:<id>}. Every round's options are parsed and checked before the first round starts.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
        description = {"Run the rounds of a nightly plan one after the other until its deadline (see the README for the format).",
            "Every round is checked before the first starts. Ctrl-C, SIGTERM or testbed stop (--results RESULTS/nightly-DATE) stop the round "
                    + "running in order and start no other."})
final class NightlyCommand implements Callable<Integer> {

    private static final List<Integer> SEVERITY = List.of(ExitCodes.INTERNAL, ExitCodes.INVALID_INPUT, ExitCodes.INFRASTRUCTURE,
            ExitCodes.TESTS_FAILED, ExitCodes.INTERRUPTED, ExitCodes.OK);

    private final Workspace workspace;

    @Spec
    CommandSpec spec;

    @Mixin
    ResultsOptions results;

    @Parameters(paramLabel = "PLAN", description = "The nightly plan (JSON).")
    Path planFile;

    @picocli.CommandLine.Option(names = "--micropython", paramLabel = "SOURCE",
            description = "The MicroPython under test for every round that names none (a checkout, a tarball, URL@REF; see run --micropython).")
    String micropython;

    NightlyCommand(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public Integer call() {
        NightlyPlan plan = NightlyPlan.load(planFile);
        Instant start = Instant.now();
        Optional<TimeBox> box = TimeBox.of(plan.until(), plan.budget(), Optional.empty(), testbed.bartender.Deadline.DEFAULT_SAFETY_FACTOR, start,
                ZoneId.systemDefault());
        String id = plan.name() + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneId.systemDefault()).format(start);
        Path root = results.dir(workspace).resolve("nightly-" + LocalDate.now(ZoneId.systemDefault()));
        Workspace night = workspace.withSettings(workspace.settings().withTrigger("nightly:" + id));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Every round as the request it makes, checked now: a typo in the last round fails before the first starts.
        List<Nightly.Round> rounds = new ArrayList<>();
        Map<String, RunCommand> options = new HashMap<>();
        for (NightlyPlan.Round round : plan.rounds()) {
            List<String> args = new ArrayList<>();
            plan.lab().ifPresent(l -> args.addAll(List.of("--lab", l)));
            args.addAll(round.args());
            if (micropython != null && !round.args().contains("--micropython") && !round.args().contains("--micropython-tests")) {
                args.addAll(List.of("--micropython", micropython));
            }
            box.ifPresent(b -> args.addAll(List.of("--until", b.deadline().at().toString())));
            args.addAll(List.of("--results", root.resolve(round.name()).toString()));
            RunCommand run;
            try {
                run = RunCommand.parse(night, args);
            } catch (testbed.model.InvalidInputException e) {
                throw new testbed.model.InvalidInputException(plan.file() + ": round " + round.name() + ": " + e.getMessage(), e);
            }
            options.put(round.name(), run);
            rounds.add(new Nightly.Round(round.name(), run.request(false), round.repeatFailedOf()));
        }
        Nightly.validate(night, rounds);
        out.printf("nightly %s: %d rounds into %s%s%n", id, plan.rounds().size(), root, box.map(b -> ", until " + b.deadline().label()).orElse(""));
        int[] worst = {ExitCodes.OK};
        Nightly.run(night, root, rounds, box.map(b -> b.deadline().at()), new Nightly.Listener() {
            @Override
            public void skipped(Nightly.Round round, String why) {
                out.printf("round %s: skipped, %s%n", round.name(), why);
                out.flush();
            }

            @Override
            public SessionListener starting(Nightly.Round round) {
                out.printf("round %s: %s%n", round.name(), String.join(" ", round.request().session().commandLine()));
                out.flush();
                return new ConsoleProgress(out, false);
            }

            @Override
            public void finished(Nightly.Round round, Runs.RunResult result) {
                int code = options.get(round.name()).finish(result, out, err);
                out.printf("round %s: exit %d%n", round.name(), code);
                out.flush();
                worst[0] = SEVERITY.indexOf(code) >= 0 && SEVERITY.indexOf(code) < SEVERITY.indexOf(worst[0]) ? code : worst[0];
            }
        }, Clock.systemUTC());
        return testbed.process.Interruption.isRequested() && worst[0] == ExitCodes.OK ? ExitCodes.INTERRUPTED : worst[0];
    }
}
