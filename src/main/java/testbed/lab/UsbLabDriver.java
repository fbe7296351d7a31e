package testbed.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.board.BoardIdentity;
import testbed.board.BoardIoException;
import testbed.board.BoardSession;
import testbed.model.Tentacle;

/**
 * Plain USB MicroPython boards (no tentacle PCB): ttys whose USB ID is a MicroPython board's, matched to the
 * inventory by USB serial number or, failing that, by the unique id the board reports over the raw REPL.
 * Boards that answer but are not in the inventory are listed, never used.
 */
public final class UsbLabDriver implements LabDriver {

    public static final String KIND = "usb";
    private final SysfsUsb sysfs;

    public UsbLabDriver(SysfsUsb sysfs) {
        this.sysfs = sysfs;
    }

    @Override
    public Discovery discover(List<Tentacle> inventory) {
        List<Discovery.Found> found = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SysfsUsb.Tty tty : sysfs.ttys()) {
            SysfsUsb.Device device = tty.device();
            if (!UsbIds.MICROPYTHON_APP.containsKey(device.id())) {
                continue;
            }
            Optional<Tentacle> bySerial = inventory.stream().filter(t -> sameSerial(t.serial(), device.serial())).findFirst();
            UsbDut probeDut = new UsbDut(bySerial.orElse(null), device.location(), sysfs);
            Optional<BoardIdentity> identity = probe(tty.devicePath());
            Optional<Tentacle> tentacle = bySerial.or(() -> identity.flatMap(id ->
                    inventory.stream().filter(t -> sameSerial(t.serial(), id.uniqueId())).findFirst()));
            if (tentacle.isEmpty()) {
                unknown.add(tty.devicePath() + " " + device.id() + " serial " + device.serial() + " at " + device.location()
                        + identity.map(id -> " (" + id.firmware() + ")").orElse(""));
                continue;
            }
            seen.add(tentacle.get().serial());
            found.add(new Discovery.Found(new UsbDut(tentacle.get(), probeDut.location(), sysfs), identity));
        }
        List<Discovery.Missing> missing = inventory.stream().filter(t -> !seen.contains(t.serial()))
                .map(t -> new Discovery.Missing(t, "no USB board with this serial is connected")).toList();
        return new Discovery(found, missing, unknown);
    }

    private static Optional<BoardIdentity> probe(String port) {
        try (BoardSession session = BoardSession.open(port, Duration.ofSeconds(1))) {
            session.repl().enter(false, Duration.ofSeconds(3));
            return Optional.of(session.identity());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Serials compare without case and without the '-' of the delimited form (e46340474b4e-1831). */
    static boolean sameSerial(String inventory, String reported) {
        if (reported == null || reported.isBlank()) {
            return false;
        }
        return norm(inventory).equals(norm(reported));
    }

    private static String norm(String s) {
        return s.replace("-", "").toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {}

    /** A plain USB board: reset and boot mode go through MicroPython's machine module; the tty is found by location. */
    static final class UsbDut implements Dut {
        private final Tentacle tentacle;
        private final UsbLocation location;
        private final SysfsUsb sysfs;

        UsbDut(Tentacle tentacle, UsbLocation location, SysfsUsb sysfs) {
            this.tentacle = tentacle;
            this.location = location;
            this.sysfs = sysfs;
        }

        UsbLocation location() {
            return location;
        }

        @Override
        public Tentacle tentacle() {
            return tentacle;
        }

        @Override
        public String port() throws BoardIoException {
            return sysfs.ttyAt(location).map(SysfsUsb.Tty::devicePath)
                    .orElseThrow(() -> new BoardIoException.Lost("no tty at USB location " + location + ": is USB connected?"));
        }

        @Override
        public void powerCycle() throws BoardIoException {
            runAndDrop("import machine\nmachine.reset()\n");
            DevicePoller.sleep(500);
            DevicePoller.await(() -> sysfs.ttyAt(location), Duration.ofSeconds(10), "tty at " + location);
            DevicePoller.sleep(Math.round(tentacle.powerOnDelaySeconds() * 1000));
        }

        @Override
        public BootTarget enterBootMode() throws BoardIoException {
            String programmer = tentacle.programmer().name();
            if (programmer.equals("esptool")) {
                // esptool resets ESP boards into their ROM loader itself, through DTR/RTS.
                return new BootTarget(Map.of("port", port()));
            }
            runAndDrop("import machine\nmachine.bootloader()\n");
            SysfsUsb.Device boot = DevicePoller.await(() -> sysfs.device(location).filter(d -> UsbIds.BOOT.contains(d.id())),
                    Duration.ofSeconds(10), "boot-mode device at " + location);
            Map<String, String> p = new java.util.HashMap<>(Map.of("bus", String.valueOf(boot.busnum()), "address",
                    String.valueOf(boot.devnum()), "serial", boot.serial(), "location", location.toString()));
            sysfs.ttyAt(location).ifPresent(t -> p.put("port", t.devicePath()));
            return new BootTarget(p);
        }

        /** Sends code that makes the board drop off the bus; the lost connection is the expected answer. */
        private void runAndDrop(String code) throws BoardIoException {
            try (BoardSession session = BoardSession.open(port(), Duration.ofSeconds(2))) {
                session.repl().enter(false, Duration.ofSeconds(5));
                session.repl().execNoFollow(code);
            } catch (BoardIoException.Lost | BoardIoException.Timeout e) {
                // the board reset or vanished, as asked
            }
        }

        @Override
        public String describe() {
            String port;
            try {
                port = port();
            } catch (BoardIoException e) {
                port = "(no tty)";
            }
            return port + " (usb " + location + ")";
        }
    }
}
