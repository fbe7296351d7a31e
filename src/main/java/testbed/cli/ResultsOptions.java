package testbed.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import testbed.config.Workspace;

/** {@code --results}: declared once for every command that writes or reads a results folder. */
final class ResultsOptions {

    @Option(names = "--results", paramLabel = "DIR", description = "Results folder (default: results/ of the checkout).")
    Path dir;

    Path dir(Workspace workspace) {
        return dir != null ? dir : workspace.resultsDir();
    }
}
