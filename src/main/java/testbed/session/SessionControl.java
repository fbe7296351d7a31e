package testbed.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import testbed.engine.EngineListener;

/**
 * What an unattended session listens to while it runs, checked between decisions (at least once a second): the
 * kill switch, a {@value #STOP_FILE} file in the results folder ({@code testbed stop} writes it; "now" inside means
 * interrupt what runs), and the interval work, such as rewriting the reports every {@code --report-every}.
 */
final class SessionControl implements EngineListener {

    static final String STOP_FILE = SessionFiles.STOP;

    private final Path resultsDir;
    private final Runnable drain;
    private final Runnable stop;
    private final Clock clock;
    private final Optional<Duration> reportEvery;
    private final Supplier<SessionRecord> current;
    private final Consumer<SessionRecord> reporter;
    private Instant nextCheck = Instant.MIN;
    private Instant nextReport;
    private boolean stopNow;
    private boolean stopAsked;

    /** @param drain start nothing new, let what runs end; @param stop end now (what runs is interrupted) */
    SessionControl(Path resultsDir, Runnable drain, Runnable stop, Clock clock, Optional<Duration> reportEvery, Supplier<SessionRecord> current,
            Consumer<SessionRecord> reporter) {
        this.resultsDir = resultsDir;
        this.drain = drain;
        this.stop = stop;
        this.clock = clock;
        this.reportEvery = reportEvery;
        this.current = current;
        this.reporter = reporter;
        this.nextReport = reportEvery.map(d -> clock.instant().plus(d)).orElse(Instant.MAX);
    }

    @Override
    public void dispatched() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return;
        }
        nextCheck = now.plusSeconds(1);
        Path file = resultsDir.resolve(STOP_FILE);
        if (!stopAsked && Files.exists(file)) {
            stopAsked = true;
            stopNow = readNow(file);
            if (stopNow) {
                stop.run();
            } else {
                drain.run();
            }
        }
        if (!now.isBefore(nextReport)) {
            nextReport = now.plus(reportEvery.orElseThrow());
            reporter.accept(current.get());
        }
    }

    boolean stopAsked() {
        return stopAsked;
    }

    boolean stopNow() {
        return stopNow;
    }

    private static boolean readNow(Path stop) {
        try {
            return Files.readString(stop).strip().equalsIgnoreCase("now");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
