package testbed.lab.virtual;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import testbed.model.InvalidInputException;

/**
 * Faults injected into one virtual tentacle, from {@code connection.faults} in the lab file. The board process
 * handles hang, garbage_at_boot, slow_boot_s, flaky, heap_kb and raw_paste_window (a board property more than a
 * fault: stock MicroPython advertises 128 bytes); the host handles disconnect and flash_fails.
 *
 * <pre>
 * "faults": {
 *   "hang": {"after_s": 5} | {"on_test": "basics/loop.py"},
 *   "disconnect": {"after_s": 3, "back_after_s": 10},
 *   "flash_fails": 1,
 *   "garbage_at_boot": 64,
 *   "slow_boot_s": 2,
 *   "flaky": {"test": "basics/flaky.py", "p": 0.5},
 *   "heap_kb": 16,
 *   "raw_paste_window": 128,
 *   "seed": 7
 * }
 * </pre>
 */
public record VirtualFaults(Map<String, Object> all, OptionalDouble disconnectAfterSeconds, OptionalDouble backAfterSeconds, int flashFails) {

    private static final Set<String> KNOWN = Set.of("hang", "stuck", "disconnect", "plug_in_after_s", "flash_fails", "garbage_at_boot", "slow_boot_s", "flaky", "heap_kb", "seed", "raw_paste_window");

    /** The rung of the recovery ladder a stuck board yields to. */
    public static final List<String> STUCK_UNTIL = List.of("interrupt", "hard_reset", "power_cycle", "reflash", "never");

    public static final VirtualFaults NONE = new VirtualFaults(Map.of(), OptionalDouble.empty(), OptionalDouble.empty(), 0);

    /** Seconds after discovery at which a board that was not there is plugged in (it joins the session then). */
    public OptionalDouble plugInAfterSeconds() {
        return all.get("plug_in_after_s") instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
    }

    /** Reads and checks the faults of a tentacle; {@code where} names the lab file and tentacle for errors. */
    @SuppressWarnings("unchecked")
    public static VirtualFaults parse(Object faults, String where) {
        if (faults == null) {
            return NONE;
        }
        if (!(faults instanceof Map<?, ?> raw)) {
            throw new InvalidInputException(where + ": field 'connection.faults': expected an object");
        }
        Map<String, Object> map = (Map<String, Object>) raw;
        for (String key : map.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new InvalidInputException(where + ": field 'connection.faults." + key + "': unknown fault (known: "
                        + String.join(", ", new java.util.TreeSet<>(KNOWN)) + ")");
            }
        }
        // Every value checked here, before anything is touched: a typo must not silently disable a fault.
        for (String counted : List.of("flash_fails", "garbage_at_boot", "heap_kb", "seed", "raw_paste_window", "slow_boot_s", "plug_in_after_s")) {
            if (map.containsKey(counted)) {
                number(map.get(counted), where, counted);
            }
        }
        if (map.containsKey("hang")) {
            if (!(map.get("hang") instanceof Map<?, ?> h) || h.isEmpty() || !java.util.Set.of("after_s", "on_test").containsAll(h.keySet())) {
                throw new InvalidInputException(where + ": field 'connection.faults.hang': expected {\"after_s\": N} or {\"on_test\": NAME}, got "
                        + map.get("hang"));
            }
            number(h.get("after_s"), where, "hang.after_s");
            if (h.containsKey("on_test") && !(h.get("on_test") instanceof String)) {
                throw new InvalidInputException(where + ": field 'connection.faults.hang.on_test': expected a test name, got " + h.get("on_test"));
            }
        }
        if (map.containsKey("stuck")) {
            if (!(map.get("stuck") instanceof Map<?, ?> st) || !(st.get("on_test") instanceof String) || !STUCK_UNTIL.contains(st.get("until"))
                    || !java.util.Set.of("on_test", "until").containsAll(st.keySet())) {
                throw new InvalidInputException(where + ": field 'connection.faults.stuck': expected {\"on_test\": NAME, \"until\": "
                        + String.join("|", STUCK_UNTIL) + "}, got " + map.get("stuck"));
            }
        }
        if (map.containsKey("flaky")) {
            if (!(map.get("flaky") instanceof Map<?, ?> f) || !(f.get("test") instanceof String) || !java.util.Set.of("test", "p").containsAll(f.keySet())) {
                throw new InvalidInputException(where + ": field 'connection.faults.flaky': expected {\"test\": NAME, \"p\": 0..1}, got " + map.get("flaky"));
            }
            OptionalDouble p = number(f.get("p"), where, "flaky.p");
            if (p.isPresent() && p.getAsDouble() > 1) {
                throw new InvalidInputException(where + ": field 'connection.faults.flaky.p': expected a probability from 0 to 1, got " + f.get("p"));
            }
        }
        if (map.containsKey("disconnect") && !(map.get("disconnect") instanceof Map<?, ?>)) {
            throw new InvalidInputException(where + ": field 'connection.faults.disconnect': expected {\"after_s\": N, \"back_after_s\": M}, got "
                    + map.get("disconnect"));
        }
        OptionalDouble after = OptionalDouble.empty();
        OptionalDouble back = OptionalDouble.empty();
        if (map.get("disconnect") instanceof Map<?, ?> d) {
            after = number(d.get("after_s"), where, "disconnect.after_s");
            back = number(d.get("back_after_s"), where, "disconnect.back_after_s");
            if (after.isEmpty()) {
                throw new InvalidInputException(where + ": field 'connection.faults.disconnect.after_s': missing");
            }
        }
        int fails = map.get("flash_fails") instanceof Number n ? n.intValue() : 0;
        return new VirtualFaults(Map.copyOf(map), after, back, fails);
    }

    private static OptionalDouble number(Object value, String where, String field) {
        if (value == null) {
            return OptionalDouble.empty();
        }
        if (!(value instanceof Number n) || n.doubleValue() < 0) {
            throw new InvalidInputException(where + ": field 'connection.faults." + field + "': expected a number >= 0, got " + value);
        }
        return OptionalDouble.of(n.doubleValue());
    }
}
