package testbed.cli;

import picocli.CommandLine.Option;

/** {@code --lab}: which inventory to use. */
final class LabOptions {

    @Option(names = "--lab", paramLabel = "NAME|PATH", defaultValue = "${env:TESTBED_LAB:-virtual}",
            description = "Lab inventory: a name in labs/ or a path to a lab JSON file (default: $TESTBED_LAB, else ${DEFAULT-VALUE}).")
    String lab;
}
