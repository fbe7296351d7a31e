package testbed.session;

import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import testbed.config.FirmwareLoader;
import testbed.lab.drivers.ConnectedLab;
import testbed.model.InvalidInputException;
import testbed.config.Workspace;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Lab;
import testbed.model.Tentacle;
import testbed.model.TestRunSpec;
import testbed.selection.Selection;
import testbed.selection.SelectionRequest;

/**
 * The data a session starts from, read and validated before anything is touched (the previous results stay where
 * they are on bad input): the lab inventory, the firmware catalog with its images checked, the test groups, and
 * the selection checked against the whole inventory.
 */
public record SessionInputs(Lab lab, Map<BoardVariant, Firmware> catalog, List<TestRunSpec> specs, SelectionRequest request, Selection selection) {

    public static SessionInputs load(Workspace workspace, String lab, SelectionRequest request) {
        return load(workspace, workspace.lab(lab), request);
    }

    /** The same for a lab given as it is (the live agents of a queue). */
    public static SessionInputs load(Workspace workspace, Lab l, SelectionRequest request) {
        ConnectedLab.validate(l);
        Map<BoardVariant, Firmware> catalog = withoutSourceBuilds(workspace.firmware(), request);
        catalog.values().forEach(FirmwareLoader::verifyImage);
        request.micropythonTests().ifPresent(dir -> {
            if (!Files.isDirectory(dir)) {
                throw new InvalidInputException("--micropython-tests: '" + dir + "' is not a folder (give MicroPython's tests/ folder)");
            }
        });
        List<TestRunSpec> specs = workspace.specs();
        testbed.results.KnownFlaky.load(workspace.specsDir()); // a malformed list is said now, not in the middle of a run
        Selection selection = Selection.select(l.tentacles(), specs, catalog.keySet(), request); // bad names fail here, against the inventory
        for (TestRunSpec spec : selection.specs()) {
            // A built-in suite that is not there is a configuration error, not a board's: say so now, not as a lab error per run.
            spec.runner().suiteFolder().map(s -> workspace.specsDir().resolve(s)).filter(dir -> !Files.isDirectory(dir)).ifPresent(dir -> {
                throw new InvalidInputException(spec.file() + ": field 'runner.suite': folder " + dir + " not found");
            });
        }
        return new SessionInputs(l, catalog, specs, request, selection);
    }

    /**
     * Without a MicroPython source, firmware built from one is not there to test: its tentacles are left over as having
     * no firmware, and asking for it by name is an error that says what to give.
     */
    static Map<BoardVariant, Firmware> withoutSourceBuilds(Map<BoardVariant, Firmware> all, SelectionRequest request) {
        if (request.micropython().flatMap(testbed.model.MicroPythonSource::root).isPresent()) {
            return all;
        }
        Map<BoardVariant, Firmware> kept = new java.util.LinkedHashMap<>();
        all.forEach((bv, fw) -> {
            if (!fw.needsSource()) {
                kept.put(bv, fw);
            } else if (request.firmware().stream().anyMatch(f -> f.equals(bv.name()) || f.equals(bv.board()))) {
                throw new InvalidInputException("--firmware " + bv.name() + ": it is built from the MicroPython source under test (" + fw.file()
                        + "): give --micropython SOURCE");
            }
        });
        return kept;
    }

    /** The selection among these tentacles of the inventory (all of them for a plan, the connected ones for a session). */
    public Selection select(List<Tentacle> tentacles) {
        return selection.among(tentacles.stream().map(Tentacle::serial).collect(java.util.stream.Collectors.toSet()));
    }
}
