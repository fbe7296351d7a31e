package testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import testbed.app.TimeBox;
import testbed.config.NightlyPlan;
import testbed.config.Workspace;
import testbed.model.Status;
import testbed.session.SessionFiles;

/**
 * {@code testbed nightly PLAN.json}: the rounds of a plan one after the other until its deadline, each a session with
 * its own results folder ({@code results/nightly-<date>/<round>/}) and history session, linked by the trigger
 * {@code nightly:<id>}. Each round is exactly a {@code testbed run}, so it validates and behaves like one.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
        description = "Run the rounds of a nightly plan one after the other until its deadline (see the README for the format).")
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
        Workspace rounds = workspace.withSettings(workspace.settings().withTrigger("nightly:" + id));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.printf("nightly %s: %d rounds into %s%s%n", id, plan.rounds().size(), root,
                box.map(b -> ", until " + b.deadline().label()).orElse(""));
        int worst = ExitCodes.OK;
        for (NightlyPlan.Round round : plan.rounds()) {
            if (box.isPresent() && !Instant.now().isBefore(box.get().deadline().at())) {
                out.printf("round %s: skipped, no time left before %s%n", round.name(), box.get().deadline().label());
                continue;
            }
            List<String> args = new ArrayList<>(List.of("run"));
            plan.lab().ifPresent(l -> args.addAll(List.of("--lab", l)));
            args.addAll(round.args());
            if (micropython != null && !round.args().contains("--micropython") && !round.args().contains("--micropython-tests")) {
                args.addAll(List.of("--micropython", micropython));
            }
            if (round.repeatFailedOf().isPresent()) {
                TreeSet<String> failed = failedGroups(root.resolve(round.repeatFailedOf().get()));
                if (failed.isEmpty()) {
                    out.printf("round %s: skipped, nothing failed in round %s%n", round.name(), round.repeatFailedOf().get());
                    continue;
                }
                failed.forEach(g -> args.addAll(List.of("--only-test", g)));
            }
            box.ifPresent(b -> args.addAll(List.of("--until", b.deadline().at().toString())));
            args.addAll(List.of("--results", root.resolve(round.name()).toString()));
            out.printf("round %s: testbed %s%n", round.name(), String.join(" ", args));
            out.flush();
            int code = Testbed.commandLine(rounds, out, err).execute(args.toArray(String[]::new));
            out.printf("round %s: exit %d%n", round.name(), code);
            worst = SEVERITY.indexOf(code) >= 0 && SEVERITY.indexOf(code) < SEVERITY.indexOf(worst) ? code : worst;
        }
        return worst;
    }

    /** The groups with a failed run in a round's session. */
    private static TreeSet<String> failedGroups(Path roundDir) {
        TreeSet<String> groups = new TreeSet<>();
        if (Files.isRegularFile(roundDir.resolve(SessionFiles.SUMMARY))) {
            SessionFiles.read(roundDir).runs().stream().filter(r -> r.status() == Status.FAILED).forEach(r -> groups.add(r.testgroup()));
        }
        return groups;
    }
}
