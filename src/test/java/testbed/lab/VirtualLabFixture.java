package testbed.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.config.LabLoader;
import testbed.config.Workspace;
import testbed.flash.FirmwareBuilder;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Lab;
import testbed.lab.drivers.ConnectedLab;

/** Builds small virtual labs in a temporary folder (own flash stores, own lab file) for integration tests. */
public final class VirtualLabFixture {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Workspace CHECKOUT = testbed.TestWorkspaces.CHECKOUT;

    private final Path dir;
    private final List<Map<String, Object>> tentacles = new ArrayList<>();
    private final List<String> referenceBoards = new ArrayList<>();
    private Map<String, Object> usbLoad = Map.of();

    public VirtualLabFixture(Path dir) {
        this.dir = dir;
    }

    /** A virtual tentacle; {@code faults} may be empty. */
    public VirtualLabFixture board(String serial, String tag, String board, List<String> futs, List<String> variants, Map<String, Object> faults) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("serial", serial);
        t.put("tag", tag);
        t.put("board", board);
        t.put("port", "rp2");
        t.put("futs", futs);
        t.put("variants", variants);
        t.put("programmer", Map.of("name", "virtual", "args", List.of()));
        t.put("connection", faults.isEmpty() ? Map.of("kind", "virtual") : Map.of("kind", "virtual", "faults", faults));
        tentacles.add(t);
        return this;
    }

    public VirtualLabFixture pico(String serial, Map<String, Object> faults) {
        return board(serial, "RPI_PICO", "RPI_PICO", List.of("FUT_MCU_ONLY", "FUT_EXTMOD_HARDWARE"), List.of(""), faults);
    }

    /** A real USB tentacle: on a machine without boards it is never found (offline). */
    public VirtualLabFixture usb(String serial, String tag, String board, List<String> futs) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("serial", serial);
        t.put("tag", tag);
        t.put("board", board);
        t.put("port", "rp2");
        t.put("futs", futs);
        t.put("programmer", Map.of("name", "picotool"));
        t.put("connection", Map.of("kind", "usb"));
        tentacles.add(t);
        return this;
    }

    /** A QEMU micro:bit running Debian's MicroPython micro:bit firmware. */
    public VirtualLabFixture microbit(String serial) {
        return qemu(serial, "MICROBIT", "nrf", "qemu-microbit");
    }

    /** An Arm MPS2-AN385 under QEMU: runs MicroPython's QEMU port, its firmware built from --micropython. */
    public VirtualLabFixture mps2(String serial) {
        return qemu(serial, "MPS2_AN385", "qemu", "qemu-mps2");
    }

    /**
     * A board of MicroPython's unix port, its firmware built from --micropython: sockets on the host's loopback (FUT_WLAN,
     * network "loopback"), so two of them serve each other as reference (see {@link #referenceBoards}).
     */
    public VirtualLabFixture unix(String serial) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("serial", serial);
        t.put("tag", "UNIX");
        t.put("port", "unix");
        t.put("futs", List.of("FUT_MCU_ONLY", "FUT_WLAN"));
        t.put("programmer", Map.of("name", "virtual"));
        t.put("tags", Map.of("network", "loopback"));
        t.put("connection", Map.of("kind", "unix"));
        tentacles.add(t);
        return this;
    }

    /** One more tag on the tentacle added last, e.g. its USB {@code hub}. */
    public VirtualLabFixture tag(String key, String value) {
        Map<String, Object> last = tentacles.get(tentacles.size() - 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> tags = new LinkedHashMap<>((Map<String, Object>) last.getOrDefault("tags", Map.of()));
        tags.put(key, value);
        last.put("tags", tags);
        return this;
    }

    /** The lab's {@code usb_load}: flashes at once per hub and host. */
    public VirtualLabFixture usbLoad(Map<String, Object> limits) {
        usbLoad = limits;
        return this;
    }

    /** The lab's reference boards (its {@code reference_boards}). */
    public VirtualLabFixture referenceBoards(String... boards) {
        referenceBoards.addAll(List.of(boards));
        return this;
    }

    private VirtualLabFixture qemu(String serial, String tag, String port, String kind) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("serial", serial);
        t.put("tag", tag);
        t.put("port", port);
        t.put("futs", List.of("FUT_MCU_ONLY"));
        t.put("programmer", Map.of("name", "virtual"));
        t.put("connection", Map.of("kind", kind));
        tentacles.add(t);
        return this;
    }

    public Path writeLab() throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("lab.json");
        Map<String, Object> lab = new LinkedHashMap<>();
        lab.put("name", "fixture");
        if (!referenceBoards.isEmpty()) {
            lab.put("reference_boards", referenceBoards);
        }
        lab.put("tentacles", tentacles);
        if (!usbLoad.isEmpty()) {
            lab.put("usb_load", usbLoad);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), lab);
        return file;
    }

    public Workspace workspace() {
        return testbed.TestWorkspaces.checkout(dir);
    }

    public ConnectedLab connect() throws IOException {
        Lab lab = LabLoader.load(writeLab());
        return ConnectedLab.connect(lab, workspace().settings());
    }

    /** The checkout's firmware, built first when its image comes from a build command (a clean clone has none). */
    public static synchronized Firmware firmware(String boardVariant) {
        Firmware firmware = CHECKOUT.firmware().get(BoardVariant.parse(boardVariant));
        if (firmware.needsBuild() && !Files.isRegularFile(firmware.image())) {
            try {
                Path log = Files.createTempFile("build-" + boardVariant, ".txt");
                String failure = FirmwareBuilder.build(firmware, java.util.Optional.empty(), CHECKOUT.settings().cacheDir(), log, Duration.ofMinutes(2));
                if (failure != null) {
                    throw new IllegalStateException(failure + ": " + Files.readString(log));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return firmware;
    }

    public static Dut dut(ConnectedLab lab, String serial) {
        return lab.discovery().bySerial().get(serial).dut();
    }
}
