package testbed.cli;

import picocli.CommandLine.Option;

/** {@code --until}, {@code --budget}, {@code --grace}, {@code --safety-factor}: a time box, declared once for run and bench. */
final class TimeBoxOptions {

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

    private java.util.Optional<testbed.app.TimeBox> box;

    /** The time box from now; computed once per command, so a plan and its session agree. */
    java.util.Optional<testbed.app.TimeBox> timeBox() {
        if (box == null) {
            box = testbed.app.TimeBox.of(java.util.Optional.ofNullable(until), java.util.Optional.ofNullable(budget),
                    java.util.Optional.ofNullable(grace), safetyFactor, java.time.Instant.now(), java.time.ZoneId.systemDefault());
        }
        return box;
    }
}
