package testbed.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import testbed.bartender.DurationEstimator;
import testbed.bartender.FirmwareBartender;
import testbed.bartender.Leftover;
import testbed.bartender.TestBartender;
import testbed.config.FirmwareLoader;
import testbed.config.Workspace;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Lab;
import testbed.selection.Selection;
import testbed.simulation.DurationModel;
import testbed.simulation.LabSimulation;
import testbed.simulation.SimClock;

/**
 * Plans a session without touching a board: the real bartenders on a simulated clock with the estimated durations.
 * The order it prints is the order a real session would start runs if every estimate held.
 */
public final class Planner {

    /** The plan: the simulation plus what the selection already ruled out. */
    public record Plan(Lab lab, Selection selection, LabSimulation.Result simulation, List<Leftover> leftovers) {}

    private Planner() {}

    public static Plan plan(Workspace workspace, PlanRequest request, DurationEstimator estimator) {
        Lab lab = workspace.lab(request.lab());
        Map<BoardVariant, Firmware> catalog = workspace.firmware();
        catalog.values().forEach(FirmwareLoader::verifyImage);
        Selection selection = Selection.select(lab.tentacles(), workspace.specs(), catalog.keySet(), request.selection());
        SimClock clock = new SimClock(Instant.EPOCH);
        TestBartender bartender = new TestBartender(request.config(), clock, estimator, selection.duts(), selection.referencePool(),
                selection.specs(), catalog.keySet());
        FirmwareBartender firmware = new FirmwareBartender(bartender.neededFirmware(), catalog, request.config().referenceBoards(),
                request.config().policy());
        LabSimulation.Result result = LabSimulation.run(bartender, firmware,
                DurationModel.estimates(estimator, request.flashEstimate()), clock);
        List<Leftover> leftovers = new ArrayList<>(selection.leftovers());
        leftovers.addAll(result.leftovers());
        return new Plan(lab, selection, result, leftovers);
    }
}
