package testbed.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One board under test as the lab inventory describes it. Tentacles with the same {@code tag} are identical
 * hardware and share their work: a test group runs once per tag (and variant), on whichever of them is free.
 *
 * @param serial unique serial (the infra Pico's USB serial on an octoprobe tentacle)
 * @param tag kind of tentacle, e.g. {@code RPI_PICO2}; used in testids and {@code --only-board}
 * @param board MicroPython board name, e.g. {@code ESP32_GENERIC_C3}
 * @param port MicroPython port, e.g. rp2, esp32
 * @param variants build variants, default variant first ("" is the default)
 * @param powerOnDelaySeconds wait after power-up, for boards behind a USB-UART bridge
 */
public record Tentacle(
        String serial,
        String tag,
        String board,
        String port,
        Set<Fut> futs,
        List<String> variants,
        Programmer programmer,
        double powerOnDelaySeconds,
        Map<String, String> tags,
        Connection connection,
        List<String> perftestArgs) {

    /** run-perfbench.py's N and M (CPU MHz, memory KB the benchmarks are sized for), as the anchor's mcu_config has them. */
    public static final List<String> DEFAULT_PERFTEST_ARGS = List.of("100", "100");

    public Tentacle(String serial, String tag, String board, String port, Set<Fut> futs, List<String> variants, Programmer programmer,
            double powerOnDelaySeconds, Map<String, String> tags, Connection connection) {
        this(serial, tag, board, port, futs, variants, programmer, powerOnDelaySeconds, tags, connection, DEFAULT_PERFTEST_ARGS);
    }

    public Tentacle {
        perftestArgs = List.copyOf(perftestArgs);
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(board, "board");
        futs = Set.copyOf(futs);
        variants = List.copyOf(variants);
        tags = Map.copyOf(tags);
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("a tentacle needs at least one variant");
        }
    }

    /**
     * The tag a queue's coordinator gives each tentacle: the agent's host. A reference and its DUT are wired together,
     * so they must share it; a lab on one host has no such tag and every pair is possible.
     */
    public static final String HOST_TAG = "host";

    /**
     * The network a tentacle's board talks on, where the lab names one ({@code "tags": {"network": "loopback"}}): a
     * multi-board network test needs its DUT and reference on the same one (unix-port boards reach each other on the
     * host's loopback, not a Wi-Fi board's access point). Untagged tentacles share the lab's one network.
     */
    public static final String NETWORK_TAG = "network";

    /** True when this tentacle can serve as the other's reference or DUT: on one host (see {@link #HOST_TAG}) and one network. */
    public boolean wiredTo(Tentacle other) {
        return Objects.equals(tags.get(HOST_TAG), other.tags.get(HOST_TAG)) && Objects.equals(tags.get(NETWORK_TAG), other.tags.get(NETWORK_TAG));
    }

    /** Identical hardware: what tentacles sharing a tag must be (in one lab file, and across the hosts of a queue). */
    public boolean sameHardwareAs(Tentacle other) {
        return board.equals(other.board) && futs.equals(other.futs) && variants.equals(other.variants) && Objects.equals(port, other.port);
    }

    /** The same tentacle with one more tag. */
    public Tentacle withTag(String key, String value) {
        Map<String, String> more = new java.util.HashMap<>(tags);
        more.put(key, value);
        return new Tentacle(serial, tag, board, port, futs, variants, programmer, powerOnDelaySeconds, more, connection, perftestArgs);
    }

    /** The last four characters of the serial, as printed on the tentacle's label. */
    public String shortSerial() {
        return serial.length() <= 4 ? serial : serial.substring(serial.length() - 4);
    }

    /** {@code <serial4>-<TAG>}, e.g. {@code 1831-RPI_PICO2}. */
    /** The board and, where it has others, its variants: {@code RPI_PICO2 (default, RISCV)}. */
    public String boardAndVariants() {
        return board + (variants.equals(java.util.List.of("")) ? "" : " (" + String.join(", ", variants.stream().map(v -> v.isEmpty() ? "default" : v)
                .toList()) + ")");
    }

    public String label() {
        return shortSerial() + "-" + tag;
    }

    public boolean has(Fut fut) {
        return futs.contains(fut);
    }

    public BoardVariant boardVariant(String variant) {
        return new BoardVariant(board, variant);
    }

    /** True when both are the same kind of hardware, so either can take the other's work. */
    public boolean sameKindAs(Tentacle other) {
        return tag.equals(other.tag);
    }
}
