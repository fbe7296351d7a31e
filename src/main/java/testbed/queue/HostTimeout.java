package testbed.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import testbed.engine.EngineEvent;

/**
 * How long a coordinator waits for a lab host that stopped answering: it says on whom it waits (once a minute), and
 * after {@code --host-timeout} gives each of the host's tentacles up, as unplugged, so their work moves to identical
 * tentacles elsewhere or is left over as offline and the session can end.
 */
final class HostTimeout {

    private static final Logger LOG = LogManager.getLogger(HostTimeout.class);

    private Duration timeout;
    /** Serial → when its host was first found silent. */
    private final Map<String, Instant> silentSince = new HashMap<>();
    private final Set<String> givenUp = new HashSet<>();
    private Instant lastNote = Instant.EPOCH;

    HostTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    void timeout(Duration t) {
        this.timeout = t;
    }

    /** The tentacle is free again: its host answers. */
    void answered(String serial) {
        silentSince.remove(serial);
    }

    /**
     * The tentacle is not free. {@code host}: its host and whether it is live (empty: no host has it). Returns the
     * event that gives it up, once, when its host has been silent past the timeout.
     */
    Optional<EngineEvent> held(String serial, Optional<Map.Entry<String, Boolean>> host, Instant now) {
        if (host.isEmpty() || host.get().getValue()) {
            silentSince.remove(serial); // busy with another session, on a live host
            return Optional.empty();
        }
        Instant since = silentSince.computeIfAbsent(serial, s -> now);
        if (!Duration.between(since, now).minus(timeout).isNegative()) {
            if (givenUp.add(serial)) {
                LOG.warn("queue: host {} silent for {} s (--host-timeout {} s): its tentacle {} is given up for this session", host.get().getKey(),
                        Duration.between(since, now).toSeconds(), timeout.toSeconds(), serial);
                return Optional.of(new EngineEvent.Plugged(serial, false, System.nanoTime()));
            }
        } else if (Duration.between(lastNote, now).toSeconds() >= 60) {
            lastNote = now;
            LOG.warn("queue: waiting for host {} (tentacle {}), silent since {}; given up after --host-timeout {} s", host.get().getKey(), serial, since,
                    timeout.toSeconds());
        }
        return Optional.empty();
    }
}
