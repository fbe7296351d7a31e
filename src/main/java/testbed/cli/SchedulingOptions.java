package testbed.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import testbed.bartender.BartenderConfig;
import testbed.bartender.SchedulingPolicy;

/** How the bartender schedules: parallelism, retries, quarantine, flashing. */
final class SchedulingOptions {

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "6",
            description = "At most N test runs at once; 0 = no limit (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "Repeat a test group that had failures up to N times, to expose flaky tests (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--max-requeues", paramLabel = "N", defaultValue = "2",
            description = "Requeue a run after an infrastructure error up to N times (default: ${DEFAULT-VALUE}).")
    int maxRequeues;

    @Option(names = "--quarantine-after", paramLabel = "K", defaultValue = "2",
            description = "Quarantine a tentacle after K consecutive infrastructure errors (default: ${DEFAULT-VALUE}).")
    int quarantineAfter;

    @Option(names = "--until", paramLabel = "TIME", description = "Time-box the session: start nothing that would not finish by then "
            + "(07:00 = the next 07:00 local time, or 2026-12-03T07:00).")
    String until;

    @Option(names = "--budget", paramLabel = "DURATION", description = "Time-box the session to this long from now (8h, 90m, 1h30m, 90s).")
    String budget;

    @Option(names = "--grace", paramLabel = "DURATION", description = "With --until/--budget: how long runs still going at the deadline may "
            + "go on before they are stopped and recorded as interrupted (default: 10m).")
    String grace;

    @Option(names = "--safety-factor", paramLabel = "X", defaultValue = "1.25", description = "With --until/--budget: a run starts only if its "
            + "estimated duration times X (plus a flash) ends before the deadline (default: ${DEFAULT-VALUE}).")
    double safetyFactor;

    @ArgGroup(exclusive = true)
    Flash flash = new Flash();

    static final class Flash {
        @Option(names = "--flash-skip", description = "Never flash: test what the boards carry.")
        boolean skip;

        @Option(names = "--flash-force", description = "Flash every tentacle at its first run, even if it carries the firmware.")
        boolean force;
    }

    private static void atLeast(String option, int value, int min, String hint) {
        if (value < min) {
            throw new testbed.model.InvalidInputException(option + ": must be " + min + " or more" + hint + ", got " + value);
        }
    }

    BartenderConfig toConfig(java.util.Set<String> referenceBoards) {
        atLeast("--jobs", jobs, 0, " (0 = no limit)");
        atLeast("--count", count, 1, " (1 = run each group once)");
        atLeast("--max-requeues", maxRequeues, 0, "");
        atLeast("--quarantine-after", quarantineAfter, 1, "");
        return new BartenderConfig(jobs, referenceBoards, maxRequeues, quarantineAfter, flash.skip, flash.force, SchedulingPolicy.TESTBED,
                timeBox().map(testbed.app.TimeBox::deadline));
    }

    /** The time box of --until/--budget, from now; computed once per command so plan and session agree. */
    java.util.Optional<testbed.app.TimeBox> timeBox() {
        if (box == null) {
            box = testbed.app.TimeBox.of(java.util.Optional.ofNullable(until), java.util.Optional.ofNullable(budget),
                    java.util.Optional.ofNullable(grace), safetyFactor, java.time.Instant.now(), java.time.ZoneId.systemDefault());
        }
        return box;
    }

    private java.util.Optional<testbed.app.TimeBox> box;
}
