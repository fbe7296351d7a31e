package testbed.model;

import java.util.Map;
import java.util.Objects;

/**
 * How the host reaches a tentacle: {@code kind} names the lab driver (octoprobe, usb, virtual, qemu-microbit, qemu-mps2, unix) and
 * {@code options} holds that driver's own settings (for a virtual board: its injected faults). The scheduler and
 * the TestRun never look inside: every kind is just another lab.
 */
public record Connection(String kind, Map<String, Object> options) {

    public static final String OCTOPROBE = "octoprobe";

    /** The lab drivers there are. */
    public static final java.util.List<String> KINDS = java.util.List.of("octoprobe", "usb", "virtual", "qemu-microbit", "qemu-mps2", "unix");

    public Connection {
        Objects.requireNonNull(kind, "kind");
        options = Map.copyOf(options);
    }
}
