package testbed.app;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import testbed.bartender.Deadline;
import testbed.model.InvalidInputException;

/**
 * {@code --until} and {@code --budget} into a {@link Deadline}, and {@code --grace}: how long runs still going at
 * the deadline may go on before they are cut.
 */
public record TimeBox(Deadline deadline, Duration grace) {

    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
    private static final Pattern HUMAN = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?");

    public Instant hardStop() {
        return deadline.at().plus(grace);
    }

    /**
     * @param until "07:00" (the next 07:00 local time), or an ISO date-time, local or with an offset
     * @param budget "8h", "90m", "1h30m", "90s" or ISO-8601 ("PT8H")
     */
    public static Optional<TimeBox> of(Optional<String> until, Optional<String> budget, Optional<String> grace, double safetyFactor, Instant now,
            ZoneId zone) {
        if (until.isPresent() && budget.isPresent()) {
            throw new InvalidInputException("--until and --budget: give one of them, not both");
        }
        if (safetyFactor < 1) {
            throw new InvalidInputException("--safety-factor: must be 1 or more, got " + safetyFactor);
        }
        Duration g = grace.map(t -> duration("--grace", t)).orElse(DEFAULT_GRACE);
        Optional<Deadline> d = until.map(u -> new Deadline(instant(u, now, zone), u, safetyFactor, Deadline.DEFAULT_FLASH_ALLOWANCE))
                .or(() -> budget.map(b -> {
                    Duration length = duration("--budget", b);
                    if (length.isZero() || length.isNegative()) {
                        throw new InvalidInputException("--budget: must be more than 0, got '" + b + "'");
                    }
                    Instant at = now.plus(length);
                    return new Deadline(at, LocalTime.ofInstant(at, zone).withNano(0).toString(), safetyFactor, Deadline.DEFAULT_FLASH_ALLOWANCE);
                }));
        return d.map(x -> new TimeBox(x, g));
    }

    static Instant instant(String text, Instant now, ZoneId zone) {
        try {
            LocalTime t = LocalTime.parse(text);
            ZonedDateTime today = ZonedDateTime.ofInstant(now, zone).with(t);
            return (today.toInstant().isAfter(now) ? today : today.plusDays(1)).toInstant();
        } catch (DateTimeParseException notATime) {
            // a date-time
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException noOffset) {
            // local
        }
        try {
            Instant at = LocalDateTime.parse(text).atZone(zone).toInstant();
            if (!at.isAfter(now)) {
                throw new InvalidInputException("--until: '" + text + "' is in the past");
            }
            return at;
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("--until: '" + text + "' is not a time (07:00) or a date-time (2026-12-03T07:00)");
        }
    }

    /** "8h", "90m", "1h30m", "90s" or ISO-8601; a bad value is bad input naming the option. */
    public static Duration duration(String option, String text) {
        String t = text.trim().toLowerCase();
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return Duration.parse(text.trim().toUpperCase());
            } catch (DateTimeParseException e) {
                throw new InvalidInputException(option + ": '" + text + "' is not a duration (8h, 90m, 1h30m, 90s)");
            }
        }
        Matcher m = HUMAN.matcher(t);
        if (t.isEmpty() || !m.matches()) {
            throw new InvalidInputException(option + ": '" + text + "' is not a duration (8h, 90m, 1h30m, 90s)");
        }
        long s = 0;
        s += m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600;
        s += m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 60;
        s += m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        return Duration.ofSeconds(s);
    }
}
