package testbed.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import testbed.bartender.DurationEstimator;
import testbed.bartender.Leftover;
import testbed.engine.Bartenders;
import testbed.engine.SessionEngine;
import testbed.engine.Timeline;
import testbed.model.BoardVariant;
import testbed.model.Lab;
import testbed.model.Tentacle;
import testbed.selection.Selection;
import testbed.simulation.DurationModel;
import testbed.simulation.SimClock;
import testbed.simulation.SimulatedLab;

/**
 * Plans a session without touching a board: the same {@link SessionEngine} as a real session, driving a simulated
 * lab with the estimated durations, and told what each tentacle carries where that is known, so the plan starts
 * the same runs on the same tentacles as the session would.
 */
public final class Planner {

    /**
     * @param carried what each tentacle (serial) was taken to run at the start, and {@code carriedFrom} where that came from
     * @param todaysRule with a time box: how many runs the same session would finish by the deadline (plus grace) if it
     *     started whatever ranks first and were cut at the end, as before time boxes
     */
    /** @param firmwareNotFromSource the firmware not built from the source under test, in words (see {@link Provenance}) */
    public record Plan(Lab lab, Selection selection, Timeline timeline, List<Leftover> leftovers, Map<String, BoardVariant> carried,
            String carriedFrom, java.util.Optional<Long> todaysRule, List<String> firmwareNotFromSource) {}

    private Planner() {}

    /**
     * @param tentacles the tentacles to plan for: the inventory, or those a probe found connected
     * @param versions what boards report (serial → version text), matched against the catalog
     */
    public static Plan plan(SessionInputs inputs, List<Tentacle> tentacles, PlanRequest request, DurationEstimator estimator,
            Map<String, String> versions, String versionsFrom, java.time.Duration grace) {
        Plan plan = simulate(inputs, tentacles, request, estimator, versions, versionsFrom);
        if (request.config().deadline().isEmpty()) {
            return plan;
        }
        // The gain of the time box, shown in the plan: the same session without it, cut at the deadline plus the grace.
        Instant hardStop = request.config().deadline().get().at().plus(grace);
        PlanRequest without = new PlanRequest(request.lab(), request.selection(), request.config().withDeadline(java.util.Optional.empty()),
                request.probe());
        java.time.Duration window = java.time.Duration.between(plan.timeline().start(), hardStop);
        Timeline untimed = simulate(inputs, tentacles, without, estimator, versions, versionsFrom).timeline();
        long today = untimed.runs().stream()
                .filter(e -> java.time.Duration.between(untimed.start(), e.end().orElseThrow()).compareTo(window) <= 0).count();
        return new Plan(plan.lab(), plan.selection(), plan.timeline(), plan.leftovers(), plan.carried(), plan.carriedFrom(), java.util.Optional.of(today),
                plan.firmwareNotFromSource());
    }

    private static Plan simulate(SessionInputs inputs, List<Tentacle> tentacles, PlanRequest request, DurationEstimator estimator,
            Map<String, String> versions, String versionsFrom) {
        Selection selection = inputs.select(tentacles);
        // The simulated clock starts now: a time box (--until/--budget) is wall-clock time, as in the session.
        SimClock clock = new SimClock(Instant.now());
        Bartenders bartenders = Bartenders.of(request.config(), clock, estimator, selection, inputs.catalog());
        Timeline timeline = new Timeline(clock.instant());
        SimulatedLab lab = new SimulatedLab(clock, DurationModel.estimates(estimator));
        Map<String, BoardVariant> carried = Bartenders.carried(inputs.catalog(), versions);
        try {
            bartenders.engine(lab, timeline).run(carried);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a simulation never waits
        }
        List<Leftover> leftovers = new ArrayList<>(selection.leftovers());
        leftovers.addAll(bartenders.tests().leftovers());
        return new Plan(inputs.lab(), selection, timeline, leftovers, carried, versionsFrom, java.util.Optional.empty(),
                Provenance.notFromSource(selection, inputs.catalog(), request.selection().micropython()));
    }
}
