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

    @picocli.CommandLine.Mixin
    TimeBoxOptions time = new TimeBoxOptions();

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

    java.util.Optional<testbed.app.TimeBox> timeBox() {
        return time.timeBox();
    }

}
