package testbed.selection;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import testbed.bartender.BartenderConfig;

/**
 * The user's choice of what to test, straight from the command line.
 *
 * @param onlyTests {@code LABEL} or {@code LABEL:command args} (the command replaces the spec's runner)
 * @param onlyTags {@code key=v1,v2}: every entry must match one of its values
 * @param firmware {@code BOARD[-VARIANT]}: boards to test; a variant given means only that variant
 * @param referenceBoards boards whose tentacles may serve as reference, as given; empty means the default (not required to exist)
 * @param allowDisabled use tentacles a person disabled by hand too ({@code --allow-disabled}: to debug on one)
 */
public record SelectionRequest(
        List<String> onlyTests,
        List<String> skipTests,
        List<String> onlyFuts,
        List<String> skipFuts,
        List<String> onlyBoards,
        List<String> skipBoards,
        List<String> onlyTags,
        List<String> firmware,
        Set<String> referenceBoards,
        Optional<testbed.model.MicroPythonSource> micropython,
        boolean allowDisabled) {

    public SelectionRequest {
        onlyTests = List.copyOf(onlyTests);
        skipTests = List.copyOf(skipTests);
        onlyFuts = List.copyOf(onlyFuts);
        skipFuts = List.copyOf(skipFuts);
        onlyBoards = List.copyOf(onlyBoards);
        skipBoards = List.copyOf(skipBoards);
        onlyTags = List.copyOf(onlyTags);
        firmware = List.copyOf(firmware);
        referenceBoards = Set.copyOf(referenceBoards);
    }

    /** Without --allow-disabled: tentacles disabled by hand are not used. */
    public SelectionRequest(List<String> onlyTests, List<String> skipTests, List<String> onlyFuts, List<String> skipFuts, List<String> onlyBoards,
            List<String> skipBoards, List<String> onlyTags, List<String> firmware, Set<String> referenceBoards,
            Optional<testbed.model.MicroPythonSource> micropython) {
        this(onlyTests, skipTests, onlyFuts, skipFuts, onlyBoards, skipBoards, onlyTags, firmware, referenceBoards, micropython, false);
    }

    /** MicroPython's tests folder, from --micropython SOURCE or --micropython-tests DIR. */
    public Optional<Path> micropythonTests() {
        return micropython.map(testbed.model.MicroPythonSource::tests);
    }

    /** The reference boards to use: those given, else the default, which a lab need not have. */
    public Set<String> effectiveReferenceBoards() {
        return referenceBoards.isEmpty() ? Set.of(BartenderConfig.DEFAULT_REFERENCE_BOARD) : referenceBoards;
    }

    public static SelectionRequest everything() {
        return new SelectionRequest(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                Set.of("RPI_PICO_W"), Optional.empty());
    }
}
