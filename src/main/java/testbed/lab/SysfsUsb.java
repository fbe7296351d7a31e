package testbed.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * USB devices, their ttys and hub-port power, read from sysfs. The root is configurable so tests run against a fake
 * tree; on a host it is {@code /sys}, with device nodes under {@code /dev}.
 */
public final class SysfsUsb {

    /** A USB device as sysfs describes it. VID/PID are 4 lowercase hex digits. */
    public record Device(UsbLocation location, String vid, String pid, String serial, int busnum, int devnum, String product) {
        public String id() {
            return vid + ":" + pid;
        }
    }

    /** A tty and the USB device it belongs to. */
    public record Tty(String devicePath, Device device) {}

    private final Path sys;
    private final Path dev;

    public SysfsUsb(Path sysRoot, Path devRoot) {
        this.sys = sysRoot;
        this.dev = devRoot;
    }

    public static SysfsUsb system() {
        return new SysfsUsb(Path.of("/sys"), Path.of("/dev"));
    }

    /**
     * USB autosuspend's default delay in seconds ({@code /sys/module/usbcore/parameters/autosuspend}; −1 is off), empty
     * where the kernel does not say. A hub or board that suspends drops serial traffic: a lab wants it off.
     */
    public Optional<Integer> autosuspendSeconds() {
        try {
            return Optional.of(Integer.parseInt(Files.readString(sys.resolve("module/usbcore/parameters/autosuspend")).strip()));
        } catch (java.io.IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public boolean available() {
        return Files.isDirectory(sys.resolve("bus/usb/devices"));
    }

    public List<Device> devices() {
        List<Device> result = new ArrayList<>();
        try (Stream<Path> entries = list(sys.resolve("bus/usb/devices"))) {
            entries.filter(p -> UsbLocation.isLocation(p.getFileName().toString()))
                    .sorted()
                    .forEach(p -> device(p).ifPresent(result::add));
        }
        return result;
    }

    public Optional<Device> device(UsbLocation location) {
        return device(sys.resolve("bus/usb/devices").resolve(location.toString()));
    }

    private Optional<Device> device(Path dir) {
        String vid = read(dir.resolve("idVendor"));
        String pid = read(dir.resolve("idProduct"));
        if (vid.isEmpty() || pid.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Device(UsbLocation.parse(dir.getFileName().toString()), vid.toLowerCase(), pid.toLowerCase(),
                read(dir.resolve("serial")), number(read(dir.resolve("busnum"))), number(read(dir.resolve("devnum"))),
                read(dir.resolve("product"))));
    }

    /** Every tty that belongs to a USB device: /sys/class/tty/X/device points into the device's interface folder. */
    public List<Tty> ttys() {
        List<Tty> result = new ArrayList<>();
        try (Stream<Path> entries = list(sys.resolve("class/tty"))) {
            entries.sorted().forEach(p -> {
                Path link = p.resolve("device");
                if (!Files.exists(link)) {
                    return;
                }
                try {
                    Path real = link.toRealPath();
                    Optional<UsbLocation> location = deepestLocation(real);
                    location.flatMap(this::device)
                            .ifPresent(d -> result.add(new Tty(dev.resolve(p.getFileName().toString()).toString(), d)));
                } catch (IOException e) {
                    // a tty that vanished while we looked
                }
            });
        }
        return result;
    }

    public Optional<Tty> ttyAt(UsbLocation location) {
        return ttys().stream().filter(t -> t.device().location().equals(location)).findFirst();
    }

    /** The deepest path component that is a USB location, e.g. 3-5.2.3 in .../3-5.2/3-5.2.3/3-5.2.3:1.0/tty/ttyACM1. */
    static Optional<UsbLocation> deepestLocation(Path path) {
        UsbLocation found = null;
        for (Path part : path) {
            String name = part.toString();
            if (UsbLocation.isLocation(name)) {
                found = UsbLocation.parse(name);
            }
        }
        return Optional.ofNullable(found);
    }

    /** The kernel's per-port switch (Linux 6.0+): {@code <hub>:1.0/<hub>-port<N>/disable}, "1" = off. */
    public Path portDisableFile(UsbLocation hub, int port) {
        return sys.resolve("bus/usb/devices").resolve(hub + ":1.0").resolve(hub + "-port" + port).resolve("disable");
    }

    /** Switches a hub port; returns whether anything changed. */
    public boolean setPortPower(UsbLocation hub, int port, boolean on) throws IOException {
        Path file = portDisableFile(hub, port);
        String wanted = on ? "0" : "1";
        if (read(file).equals(wanted)) {
            return false;
        }
        Files.writeString(file, wanted);
        return true;
    }

    public boolean portPower(UsbLocation hub, int port) {
        return !read(portDisableFile(hub, port)).equals("1");
    }

    private static Stream<Path> list(Path dir) {
        try {
            return Files.isDirectory(dir) ? Files.list(dir) : Stream.empty();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
