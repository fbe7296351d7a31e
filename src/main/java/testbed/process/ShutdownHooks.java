package testbed.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ctrl-C work in a fixed order. The JVM runs its shutdown hooks all at once, in no order; but the session must
 * write down what was still running before the lab drivers pull the boards away, or every running attempt would
 * end as "device gone" instead of "never finished". Each phase finishes before the next starts.
 */
public final class ShutdownHooks {

    /** The order of the work. */
    public enum Phase { RECORD, CLEANUP }

    private static final Map<Phase, List<Runnable>> HOOKS = new TreeMap<>();
    private static boolean installed;
    private static volatile boolean shuttingDown;

    private ShutdownHooks() {}

    public static synchronized void add(Phase phase, Runnable hook) {
        if (!installed) {
            Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHooks::runAll, "testbed-shutdown"));
            installed = true;
        }
        HOOKS.computeIfAbsent(phase, p -> new ArrayList<>()).add(hook);
    }

    public static synchronized void remove(Runnable hook) {
        HOOKS.values().forEach(list -> list.remove(hook));
    }

    /** True once Ctrl-C (or SIGTERM) started the shutdown: failures from now on are the shutdown's, not the lab's. */
    public static boolean isShuttingDown() {
        return shuttingDown;
    }

    private static void runAll() {
        shuttingDown = true;
        List<List<Runnable>> phases;
        synchronized (ShutdownHooks.class) {
            phases = HOOKS.values().stream().map(List::copyOf).toList();
        }
        for (List<Runnable> phase : phases) {
            for (Runnable hook : phase) {
                try {
                    hook.run();
                } catch (RuntimeException e) {
                    System.err.println("testbed: shutdown: " + e);
                }
            }
        }
    }
}
