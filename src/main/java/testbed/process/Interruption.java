package testbed.process;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C and SIGTERM, in order: the first asks the running session to stop (nothing new starts, the boards are
 * released, runs cut short are recorded as interrupted, the reports are written, exit 130); a second one ends the
 * process at once (the shutdown hooks still record what ran and stop the boards). Runs that fail from the moment of
 * the request are the interruption's, never the lab's.
 */
public final class Interruption {

    private static final List<Runnable> LISTENERS = new CopyOnWriteArrayList<>();
    private static final AtomicInteger SIGNALS = new AtomicInteger();
    private static volatile boolean requested;

    private Interruption() {}

    /** True once a stop was asked for (or the JVM is shutting down): failures from now on are not the boards'. */
    public static boolean isRequested() {
        return requested || ShutdownHooks.isShuttingDown();
    }

    /** Runs {@code listener} on the first request; the returned handle removes it. */
    public static Runnable onRequest(Runnable listener) {
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }

    /** The first request stops in order; later ones exit with the interrupted code. */
    public static void request(int exitCode) {
        if (SIGNALS.incrementAndGet() > 1) {
            System.exit(exitCode);
        }
        requested = true;
        for (Runnable l : LISTENERS) {
            try {
                l.run();
            } catch (RuntimeException e) {
                System.err.println("testbed: interrupt: " + e);
            }
        }
    }

    /** SIGINT and SIGTERM both mean "stop in order" (the JVM's default would exit at once with 130 or 143). */
    @SuppressWarnings("sunapi")
    public static void installSignalHandlers(int exitCode) {
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    System.err.println("testbed: " + (SIGNALS.get() == 0 ? "SIG" + name + ": stopping (again to quit at once)" : "quitting"));
                    request(exitCode);
                });
            } catch (IllegalArgumentException e) {
                // a platform without this signal: the JVM's default stays
            }
        }
    }
}
