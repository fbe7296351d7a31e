package testbed.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import testbed.app.Histories;

/** {@code --history} or {@code --no-history}: for the commands that can do without one. */
final class OptionalHistoryOptions {

    @Mixin
    HistoryOptions history;

    @Option(names = "--no-history", description = "Do not use the history (no recording, no durations from it, reports without trends).")
    boolean none;

    Histories.Choice choice() {
        return none ? Histories.Choice.NONE : history.choice();
    }
}
