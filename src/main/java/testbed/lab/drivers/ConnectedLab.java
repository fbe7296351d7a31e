package testbed.lab.drivers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testbed.config.Settings;
import testbed.lab.Discovery;
import testbed.lab.LabDriver;
import testbed.lab.OctoprobeLabDriver;
import testbed.lab.SysfsUsb;
import testbed.lab.UsbLabDriver;
import testbed.lab.virtual.VirtualLabDriver;
import testbed.model.InvalidInputException;
import testbed.model.Lab;
import testbed.model.Tentacle;

/**
 * A lab as found on this host: each connection kind's driver discovers its tentacles, and the union is what a
 * session may use. Closing it releases every driver (and stops the virtual boards).
 */
public final class ConnectedLab implements AutoCloseable {

    private final Lab lab;
    private final List<LabDriver> drivers;
    private final Discovery discovery;

    private ConnectedLab(Lab lab, List<LabDriver> drivers, Discovery discovery) {
        this.lab = lab;
        this.drivers = drivers;
        this.discovery = discovery;
    }

    public static ConnectedLab connect(Lab lab, Settings settings) {
        Map<String, List<Tentacle>> byDriver = new LinkedHashMap<>();
        for (Tentacle t : lab.tentacles()) {
            byDriver.computeIfAbsent(driverKind(lab, t), k -> new ArrayList<>()).add(t);
        }
        List<LabDriver> drivers = new ArrayList<>();
        List<Discovery> parts = new ArrayList<>();
        try {
            for (var entry : byDriver.entrySet()) {
                LabDriver driver = create(entry.getKey(), lab, settings);
                drivers.add(driver);
                parts.add(driver.discover(entry.getValue()));
            }
        } catch (RuntimeException e) {
            drivers.forEach(LabDriver::close);
            throw e;
        }
        return new ConnectedLab(lab, drivers, Discovery.merge(parts));
    }

    /**
     * Checks each tentacle's driver settings (a virtual board's faults) without connecting anything: bad values fail
     * before the previous results are archived.
     */
    public static void validate(Lab lab) {
        for (Tentacle t : lab.tentacles()) {
            if (driverKind(lab, t).equals(VirtualLabDriver.KIND)) {
                VirtualLabDriver.validate(lab.file(), t);
            }
        }
    }

    /** What each tentacle's driver knows it holds without powering anything (serial → image file). */
    public static Map<String, java.nio.file.Path> storedImages(Lab lab, Settings settings) {
        Map<String, List<Tentacle>> byDriver = new LinkedHashMap<>();
        for (Tentacle t : lab.tentacles()) {
            byDriver.computeIfAbsent(driverKind(lab, t), k -> new ArrayList<>()).add(t);
        }
        Map<String, java.nio.file.Path> images = new LinkedHashMap<>();
        for (var entry : byDriver.entrySet()) {
            try (LabDriver driver = create(entry.getKey(), lab, settings)) {
                images.putAll(driver.storedImages(entry.getValue()));
            }
        }
        return images;
    }

    private static String driverKind(Lab lab, Tentacle t) {
        return switch (t.connection().kind()) {
            case VirtualLabDriver.KIND, VirtualLabDriver.QEMU_KIND, VirtualLabDriver.QEMU_MPS2_KIND, VirtualLabDriver.UNIX_KIND -> VirtualLabDriver.KIND;
            case UsbLabDriver.KIND -> UsbLabDriver.KIND;
            case OctoprobeLabDriver.KIND -> OctoprobeLabDriver.KIND;
            default -> throw new InvalidInputException(lab.file() + ": tentacle " + t.serial() + ": field 'connection.kind': unknown kind '"
                    + t.connection().kind() + "' (valid: " + String.join(", ", testbed.model.Connection.KINDS) + ")");
        };
    }

    private static LabDriver create(String kind, Lab lab, Settings settings) {
        return switch (kind) {
            case VirtualLabDriver.KIND -> new VirtualLabDriver(lab.name(), lab.file(), settings);
            case UsbLabDriver.KIND -> new UsbLabDriver(SysfsUsb.system());
            default -> new OctoprobeLabDriver(SysfsUsb.system());
        };
    }

    public Lab lab() {
        return lab;
    }

    public Discovery discovery() {
        return discovery;
    }

    private boolean closed;

    /** Releases every driver (the virtual boards stop); a second call does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            drivers.forEach(LabDriver::close);
        }
    }
}
