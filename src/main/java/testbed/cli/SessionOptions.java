package testbed.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import testbed.app.Runs;
import testbed.config.Workspace;

/** What a session is run with: declared once for {@code run}, {@code compare} and {@code bisect}, which all run sessions. */
final class SessionOptions {

    @Mixin
    LabOptions lab;

    @Mixin
    SelectionOptions selection;

    @Mixin
    SchedulingOptions scheduling;

    @Mixin
    OptionalHistoryOptions history;

    @Option(names = "--python", paramLabel = "EXE", description = "Python for MicroPython's own runners (default: $TESTBED_PYTHON, else python3).")
    String python;

    /** The session these options ask for. */
    Runs.RunRequest request(Workspace workspace, Optional<Path> results, List<String> commandLine, Optional<String> reportEvery,
            Optional<String> healthEvery, Optional<String> queue, Optional<Path> xfail, boolean probe, boolean resume) {
        return new Runs.RunRequest(new testbed.session.Session.Request(lab.lab(workspace), selection.toRequest(workspace),
                scheduling.toConfig(selection.referenceBoardSet()), scheduling.count, results,
                python != null ? python : workspace.settings().python(), commandLine,
                scheduling.timeBox().map(testbed.app.TimeBox::grace).orElse(testbed.app.TimeBox.DEFAULT_GRACE),
                reportEvery.map(e -> testbed.app.TimeBox.duration("--report-every", e)),
                healthEvery.map(e -> testbed.app.TimeBox.duration("--health-every", e)), queue), history.choice(), xfail, probe, resume);
    }
}
