package testbed.cli;

import picocli.CommandLine.Option;
import testbed.config.Workspace;

/** {@code --lab}: which inventory to use. */
final class LabOptions {

    @Option(names = "--lab", paramLabel = "NAME|PATH",
            description = "Lab inventory: a name in labs/ or a path to a lab JSON file (default: $TESTBED_LAB, else virtual).")
    String lab;

    String lab(Workspace workspace) {
        return lab != null ? lab : workspace.settings().lab();
    }
}
