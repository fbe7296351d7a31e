package testbed.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;
import testbed.bartender.BartenderConfig;
import testbed.selection.SelectionRequest;

/** What to test: firmware, test groups, FUTs, boards, tags. Every value is checked against the lab and the specs. */
final class SelectionOptions {

    @Option(names = "--firmware", paramLabel = "BOARD[-VARIANT]",
            description = "Test this firmware (repeatable). Without a variant: every variant of the board; with one: only that variant.")
    List<String> firmware = new ArrayList<>();

    @Option(names = "--only-test", paramLabel = "LABEL[=TESTS|:COMMAND ARGS]",
            description = "Run only these test groups (repeatable). 'LABEL=basics/int_big.py,basics/string*.py' runs only those tests of "
                    + "the group (MicroPython's runners); 'LABEL:command args' replaces the group's command.")
    List<String> onlyTests = new ArrayList<>();

    @Option(names = "--skip-test", paramLabel = "LABEL", description = "Skip these test groups (repeatable).")
    List<String> skipTests = new ArrayList<>();

    @Option(names = "--only-fut", paramLabel = "FUT", description = "Only test groups needing these FUTs (repeatable): FUT_MCU_ONLY, FUT_EXTMOD_HARDWARE, FUT_WLAN, FUT_BLE.")
    List<String> onlyFuts = new ArrayList<>();

    @Option(names = "--skip-fut", paramLabel = "FUT", description = "Skip test groups needing these FUTs (repeatable).")
    List<String> skipFuts = new ArrayList<>();

    @Option(names = "--only-board", paramLabel = "NAME[-VARIANT]",
            description = "Only these tentacles (repeatable): a tentacle tag or MicroPython board, optionally with a variant.")
    List<String> onlyBoards = new ArrayList<>();

    @Option(names = "--skip-board", paramLabel = "NAME[-VARIANT]", description = "Do not test these tentacles (repeatable); they may still serve as reference.")
    List<String> skipBoards = new ArrayList<>();

    @Option(names = "--only-tag", paramLabel = "KEY=V1,V2",
            description = "Only tentacles whose tag KEY has one of the values (repeatable; all must match), e.g. tier=1,2 or port=rp2.")
    List<String> onlyTags = new ArrayList<>();

    @Option(names = "--reference-board", paramLabel = "BOARD",
            description = "MicroPython board whose tentacles may serve as reference for multi-board tests (repeatable; default: "
                    + BartenderConfig.DEFAULT_REFERENCE_BOARD + ").")
    List<String> referenceBoards = new ArrayList<>();

    @Option(names = "--micropython-tests", paramLabel = "DIR",
            description = "MicroPython's tests folder, for the external runners (run-tests.py and friends; default: $TESTBED_MICROPYTHON_TESTS).")
    Path micropythonTests;

    @Option(names = "--micropython", paramLabel = "SOURCE",
            description = {"The MicroPython under test: a checkout, a source tarball, or a git URL with @REF (branch, tag, commit, pull/N/head), "
                    + "fetched once into the cache and checked out per commit. Its tests/ run, mpy-cross and firmware builds come from it, "
                    + "and its commit is recorded with the session."})
    String micropython;

    Set<String> referenceBoardSet() {
        return new SelectionRequest(onlyTests, skipTests, onlyFuts, skipFuts, onlyBoards, skipBoards, onlyTags, firmware,
                new LinkedHashSet<>(referenceBoards), Optional.empty()).effectiveReferenceBoards();
    }

    @Option(names = "--allow-disabled", description = "Use tentacles disabled by hand (testbed lab disable) too: to debug on one.")
    boolean allowDisabled;

    SelectionRequest toRequest(testbed.config.Workspace workspace) {
        return new SelectionRequest(onlyTests, skipTests, onlyFuts, skipFuts, onlyBoards, skipBoards, onlyTags, firmware,
                new LinkedHashSet<>(referenceBoards), micropython(workspace), allowDisabled);
    }

    private Optional<testbed.model.MicroPythonSource> micropython(testbed.config.Workspace workspace) {
        if (micropython != null && micropythonTests != null) {
            throw new testbed.model.InvalidInputException("--micropython and --micropython-tests: give one (the source's tests/ are its tests)");
        }
        if (micropython != null) {
            return Optional.of(testbed.app.MicroPython.source(micropython, workspace.settings()));
        }
        return Optional.ofNullable(micropythonTests).or(() -> workspace.settings().micropythonTests()).map(testbed.app.MicroPython::testsFolder);
    }
}
