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
        return load(workspace, l, request, DisabledTentacles.of(workspace.settings().stateDir(), l.name()));
    }

    /** @param disabled tentacles taken out by hand (serial → who, when, why): this host's lab state, or a queue's */
    public static SessionInputs load(Workspace workspace, Lab l, SelectionRequest request, Map<String, DisabledTentacles.Disabled> disabled) {
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
        if (!request.allowDisabled()) {
            Map<String, String> why = new java.util.HashMap<>();
            disabled.forEach((serial, d) -> why.put(serial, d.describe()));
            selection = selection.withoutDisabled(why);
        }
        for (TestRunSpec spec : selection.specs()) {
            // A built-in suite that is not there is a configuration error, not a board's: say so now, not as a lab error per run.
            spec.runner().suiteFolder().map(s -> workspace.specsDir().resolve(s)).filter(dir -> !Files.isDirectory(dir)).ifPresent(dir -> {
                throw new InvalidInputException(spec.file() + ": field 'runner.suite': folder " + dir + " not found");
            });
        }
        return new SessionInputs(l, catalog, specs, request, selection);
    }

    /**
     * The same inputs, each firmware built from the source under test to be built in its own copy of its folder under
     * {@code buildRoot} ({@code results/build/<BOARD-VARIANT>/firmware/}): its image and version are the session's own, so two
     * sessions of one workspace building from two sources at once (a compare) never flash each other's image, and the
     * results keep the image that was tested.
     */
    public SessionInputs withSourceBuildsIn(java.nio.file.Path buildRoot) {
        Map<BoardVariant, Firmware> relocated = new java.util.LinkedHashMap<>();
        catalog.forEach((bv, fw) -> relocated.put(bv, fw.needsSource() ? relocate(fw, buildRoot.resolve(bv.name()).resolve("firmware")) : fw));
        return new SessionInputs(lab, relocated, specs, request, selection);
    }

    private static Firmware relocate(Firmware fw, java.nio.file.Path dir) {
        java.nio.file.Path folder = fw.file().getParent();
        try {
            Files.createDirectories(dir);
            try (java.util.stream.Stream<java.nio.file.Path> files = Files.list(folder)) {
                for (java.nio.file.Path f : files.filter(Files::isRegularFile).toList()) {
                    // The build's own files, not what an earlier build left there: the image and version are this session's to make.
                    if (!f.equals(fw.image()) && !fw.versionFile().map(f::equals).orElse(false)) {
                        Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new testbed.model.LabException("cannot prepare the build of " + fw.boardVariant().name() + " in " + dir + ": " + e.getMessage(), e);
        }
        return new Firmware(fw.boardVariant(), fw.version(), dir.resolve(folder.relativize(fw.image())), fw.sha256(), fw.build(),
                dir.resolve(fw.file().getFileName()), fw.leftOut());
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
