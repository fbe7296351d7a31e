package testbed.lab;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.board.BoardIoException;
import testbed.board.BoardSession;
import testbed.model.Tentacle;

/**
 * Octoprobe tentacles: a 0424:2514 hub per tentacle with the infra Pico on port 1 (its USB serial is the tentacle's
 * identity) and the DUT on port 3. DUT power goes through the hub port's sysfs {@code disable} file (plus GPIO23 of
 * the infra Pico on v0.5+ boards), the DUT's boot button is relay 1 driven by the infra Pico, and the DUT's tty is
 * found again by USB location after every power cycle.
 */
public final class OctoprobeLabDriver implements LabDriver {

    public static final String KIND = "octoprobe";
    static final int PORT_INFRA = 1;
    static final int PORT_DUT = 3;

    /** Runs MicroPython code on an infra Pico's tty: GPIOs for relays, DUT power and LEDs. */
    @FunctionalInterface
    public interface InfraLink {
        void exec(String tty, String code) throws BoardIoException;

        InfraLink REPL = (tty, code) -> {
            try (BoardSession session = BoardSession.open(tty, Duration.ofSeconds(5))) {
                session.repl().enter(false, Duration.ofSeconds(5));
                var r = session.repl().exec(code);
                if (r.raised()) {
                    throw new BoardIoException.Protocol("infra Pico " + tty + ": " + r.exceptionLine());
                }
            }
        };
    }

    private final SysfsUsb sysfs;
    private final Duration minOffTime;
    private final InfraLink infraLink;

    public OctoprobeLabDriver(SysfsUsb sysfs) {
        this(sysfs, Duration.ofSeconds(2), InfraLink.REPL);
    }

    /** @param minOffTime how long the DUT stays unpowered in a power cycle (USB stacks need it) */
    public OctoprobeLabDriver(SysfsUsb sysfs, Duration minOffTime, InfraLink infraLink) {
        this.sysfs = sysfs;
        this.minOffTime = minOffTime;
        this.infraLink = infraLink;
    }

    /** The hubs that are tentacles: 0424:2514 hubs with no such hub below them (those are octohub4 boards). */
    List<UsbLocation> tentacleHubs(List<SysfsUsb.Device> devices) {
        List<UsbLocation> hubs = devices.stream().filter(d -> d.id().equals(UsbIds.TENTACLE_HUB)).map(SysfsUsb.Device::location).toList();
        return hubs.stream().filter(h -> hubs.stream().noneMatch(h::isAncestorOf)).toList();
    }

    @Override
    public Discovery discover(List<Tentacle> inventory) {
        List<SysfsUsb.Device> devices = sysfs.devices();
        List<Discovery.Found> found = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (UsbLocation hub : tentacleHubs(devices)) {
            Optional<SysfsUsb.Device> infra = devices.stream()
                    .filter(d -> d.location().equals(hub.child(PORT_INFRA)) && d.id().equals(UsbIds.PICO_APP) && !d.serial().isEmpty())
                    .findFirst();
            if (infra.isEmpty()) {
                unknown.add("hub " + hub + ": no infra Pico on port 1 (unpowered or in BOOTSEL?)");
                continue;
            }
            String serial = infra.get().serial();
            Optional<Tentacle> tentacle = inventory.stream().filter(t -> UsbLabDriver.sameSerial(t.serial(), serial)).findFirst();
            if (tentacle.isEmpty()) {
                unknown.add("tentacle " + delimited(serial) + " at hub " + hub + ": not in the inventory");
                continue;
            }
            seen.add(tentacle.get().serial());
            found.add(new Discovery.Found(new OctoprobeDut(tentacle.get(), hub), Optional.empty()));
        }
        List<Discovery.Missing> missing = inventory.stream().filter(t -> !seen.contains(t.serial()))
                .map(t -> new Discovery.Missing(t, "tentacle not connected")).toList();
        return new Discovery(found, missing, unknown);
    }

    /** e46340474b4e1831 → e46340474b4e-1831, the inventory's form. */
    static String delimited(String serial) {
        String s = serial.toLowerCase();
        return s.length() == 16 ? s.substring(0, 12) + "-" + s.substring(12) : s;
    }

    @Override
    public void close() {}

    /** The DUT of one octoprobe tentacle. */
    final class OctoprobeDut implements Dut {
        private final Tentacle tentacle;
        private final UsbLocation hub;

        OctoprobeDut(Tentacle tentacle, UsbLocation hub) {
            this.tentacle = tentacle;
            this.hub = hub;
        }

        UsbLocation dutLocation() {
            return hub.child(PORT_DUT);
        }

        @Override
        public Tentacle tentacle() {
            return tentacle;
        }

        @Override
        public String port() throws BoardIoException {
            return sysfs.ttyAt(dutLocation()).map(SysfsUsb.Tty::devicePath)
                    .orElseThrow(() -> new BoardIoException.Lost("DUT of " + tentacle.label() + " has no tty at " + dutLocation()
                            + ": is USB connected?"));
        }

        void dutPower(boolean on) throws BoardIoException {
            try {
                sysfs.setPortPower(hub, PORT_DUT, on);
            } catch (IOException e) {
                throw new BoardIoException.Lost("cannot switch " + sysfs.portDisableFile(hub, PORT_DUT) + " (permissions? see 'testbed doctor'): "
                        + e.getMessage(), e);
            }
            infra("from machine import Pin\nPin(23, Pin.OUT).value(" + (on ? 1 : 0) + ")\n");
        }

        @Override
        public void powerCycle() throws BoardIoException {
            dutPower(false);
            DevicePoller.sleep(minOffTime.toMillis());
            dutPower(true);
            DevicePoller.await(() -> sysfs.ttyAt(dutLocation()), Duration.ofSeconds(6), "DUT tty at " + dutLocation());
            DevicePoller.sleep(Math.round(tentacle.powerOnDelaySeconds() * 1000));
        }

        @Override
        public BootTarget enterBootMode() throws BoardIoException {
            dutPower(false);
            DevicePoller.sleep(minOffTime.toMillis());
            relay(1, true); // relay 1 is the DUT's BOOT/BOOTSEL/GPIO0 button
            try {
                dutPower(true);
                Map<String, String> p = new java.util.HashMap<>();
                p.put("location", dutLocation().toString());
                SysfsUsb.Device boot = DevicePoller.await(() -> sysfs.device(dutLocation()).filter(d -> UsbIds.BOOT.contains(d.id())
                        || tentacle.programmer().name().equals("esptool")), Duration.ofSeconds(6), "boot-mode DUT at " + dutLocation());
                p.put("bus", String.valueOf(boot.busnum()));
                p.put("address", String.valueOf(boot.devnum()));
                p.put("serial", boot.serial());
                sysfs.ttyAt(dutLocation()).ifPresent(t -> p.put("port", t.devicePath()));
                return new BootTarget(p);
            } finally {
                relay(1, false);
            }
        }

        private void relay(int n, boolean closed) throws BoardIoException {
            infra("from machine import Pin\nPin(" + n + ", Pin.OUT).value(" + (closed ? 1 : 0) + ")\n");
        }

        /** Runs a line of code on the infra Pico (GPIOs for relays, DUT power, LEDs). */
        private void infra(String code) throws BoardIoException {
            Optional<SysfsUsb.Tty> tty = sysfs.ttyAt(hub.child(PORT_INFRA));
            if (tty.isEmpty()) {
                throw new BoardIoException.Lost("infra Pico of " + tentacle.label() + " has no tty at " + hub.child(PORT_INFRA));
            }
            infraLink.exec(tty.get().devicePath(), code);
        }

        @Override
        public String describe() {
            String port;
            try {
                port = port();
            } catch (BoardIoException e) {
                port = "(no DUT tty)";
            }
            return port + " (tentacle hub " + hub + ")";
        }
    }
}
