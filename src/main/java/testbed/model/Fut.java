package testbed.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** A feature under test: what a tentacle's wiring lets a test group exercise. */
public enum Fut {
    /** The bare MCU: no wiring needed. */
    FUT_MCU_ONLY,
    /** Extmod hardware tests: a UART rx-tx loopback and similar wiring. */
    FUT_EXTMOD_HARDWARE,
    FUT_WLAN,
    FUT_BLE;

    /** Parses a FUT by its name, with an error that lists the valid names. */
    public static Fut parse(String name) {
        for (Fut fut : values()) {
            if (fut.name().equals(name)) {
                return fut;
            }
        }
        throw new IllegalArgumentException("unknown FUT '" + name + "' (valid: " + validNames() + ")");
    }

    public static String validNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
