package testbed.simulation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when the simulation moves it. */
public final class SimClock extends Clock {

    private Instant now;

    public SimClock(Instant start) {
        this.now = start;
    }

    public void advanceTo(Instant t) {
        if (t.isBefore(now)) {
            throw new IllegalArgumentException("time runs forward only: " + t + " < " + now);
        }
        now = t;
    }

    public void advance(Duration d) {
        advanceTo(now.plus(d));
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
