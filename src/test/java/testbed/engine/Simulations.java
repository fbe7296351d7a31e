package testbed.engine;

import java.util.Map;
import testbed.bartender.FirmwareBartender;
import testbed.bartender.TestBartender;
import testbed.simulation.DurationModel;
import testbed.simulation.SimClock;
import testbed.simulation.SimulatedLab;

/** Runs the session engine on a simulated lab, for scheduler tests: the timeline of what started when. */
public final class Simulations {

    private Simulations() {}

    public static Timeline run(TestBartender tests, FirmwareBartender firmware, DurationModel model, SimClock clock) {
        Timeline timeline = new Timeline(clock.instant());
        try {
            new SessionEngine(tests, firmware, new SimulatedLab(clock, model), timeline).run(Map.of());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return timeline;
    }
}
