package testbed.session;

import java.util.List;
import java.util.Map;
import testbed.config.FirmwareLoader;
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
public record SessionInputs(Lab lab, Map<BoardVariant, Firmware> catalog, List<TestRunSpec> specs, SelectionRequest request) {

    public static SessionInputs load(Workspace workspace, String lab, SelectionRequest request) {
        Lab l = workspace.lab(lab);
        Map<BoardVariant, Firmware> catalog = workspace.firmware();
        catalog.values().forEach(FirmwareLoader::verifyImage);
        SessionInputs inputs = new SessionInputs(l, catalog, workspace.specs(), request);
        inputs.select(l.tentacles()); // bad names fail here, against the inventory
        return inputs;
    }

    /** The selection among these tentacles (the inventory for a plan, the connected ones for a session). */
    public Selection select(List<Tentacle> tentacles) {
        return Selection.select(tentacles, specs, catalog.keySet(), request);
    }
}
