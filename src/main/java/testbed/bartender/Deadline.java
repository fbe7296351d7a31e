package testbed.bartender;

import java.time.Duration;
import java.time.Instant;

/**
 * A time-boxed session: no run starts whose estimated duration, times {@code safetyFactor} (plus its flashes, each as long
 * as its programmer takes), would end after {@code at}. {@code label} is how the user gave it ("07:00"), for the
 * leftovers' reasons; {@code flashAllowance} is what a flash is allowed when nothing better is known.
 */
public record Deadline(Instant at, String label, double safetyFactor, Duration flashAllowance) {

    public static final double DEFAULT_SAFETY_FACTOR = 1.25;
    public static final Duration DEFAULT_FLASH_ALLOWANCE = Duration.ofSeconds(30);

    public Deadline {
        if (safetyFactor < 1) {
            throw new IllegalArgumentException("safety factor below 1: " + safetyFactor);
        }
    }

    /** What a run needs before the deadline: its estimate with the safety margin, and a flash if it needs one. */
    public long neededMillis(long estimatedMillis, boolean flashes) {
        return neededMillis(estimatedMillis, flashes ? flashAllowance : Duration.ZERO);
    }

    /** What a run needs before the deadline: its estimate with the safety margin, and the flashes it needs first. */
    public long neededMillis(long estimatedMillis, Duration flashes) {
        return Math.round(estimatedMillis * safetyFactor) + flashes.toMillis();
    }

    public long leftMillis(Instant now) {
        return Math.max(0, Duration.between(now, at).toMillis());
    }

    public boolean fits(Instant now, long estimatedMillis, boolean flashes) {
        return neededMillis(estimatedMillis, flashes) <= leftMillis(now);
    }

    /** "would not finish before 07:00 (needs ~20 min, 5 min left)" */
    public String wouldNotFinish(long neededMillis, long leftMillis) {
        return "would not finish before " + label + " (needs ~" + human(neededMillis) + ", " + human(leftMillis) + " left)";
    }

    static String human(long millis) {
        long s = Math.round(millis / 1000.0);
        if (s < 120) {
            return s + " s";
        }
        long m = Math.round(s / 60.0);
        return m < 120 ? m + " min" : String.format("%.1f h", m / 60.0);
    }
}
