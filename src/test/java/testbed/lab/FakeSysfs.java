package testbed.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fake /sys (and /dev) tree: USB devices, hub-port power switches and ttys, laid out like the kernel's. */
final class FakeSysfs {

    final Path sys;
    final Path dev;

    FakeSysfs(Path root) {
        this.sys = root.resolve("sys");
        this.dev = root.resolve("dev");
    }

    SysfsUsb usb() {
        return new SysfsUsb(sys, dev);
    }

    FakeSysfs device(String location, String vid, String pid, String serial, int devnum) {
        Path d = sys.resolve("bus/usb/devices").resolve(location);
        write(d.resolve("idVendor"), vid);
        write(d.resolve("idProduct"), pid);
        if (serial != null) {
            write(d.resolve("serial"), serial);
        }
        write(d.resolve("busnum"), location.substring(0, location.indexOf('-')));
        write(d.resolve("devnum"), String.valueOf(devnum));
        write(d.resolve("product"), "fake " + vid + ":" + pid);
        return this;
    }

    FakeSysfs hub(String location, int devnum) {
        device(location, "0424", "2514", null, devnum);
        for (int port = 1; port <= 4; port++) {
            write(sys.resolve("bus/usb/devices").resolve(location + ":1.0").resolve(location + "-port" + port).resolve("disable"), "0");
        }
        return this;
    }

    /** A tty whose {@code device} link points into the USB device's first interface, as in /sys/class/tty. */
    FakeSysfs tty(String name, String location) {
        try {
            Path iface = sys.resolve("bus/usb/devices").resolve(location).resolve(location + ":1.0");
            Files.createDirectories(iface);
            Path ttyDir = sys.resolve("class/tty").resolve(name);
            Files.createDirectories(ttyDir);
            Files.deleteIfExists(ttyDir.resolve("device"));
            Files.createSymbolicLink(ttyDir.resolve("device"), iface);
            write(dev.resolve(name), ""); // its device node, as devtmpfs makes it
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FakeSysfs removeTty(String name) {
        try {
            Files.deleteIfExists(sys.resolve("class/tty").resolve(name).resolve("device"));
            Files.deleteIfExists(sys.resolve("class/tty").resolve(name));
            Files.deleteIfExists(dev.resolve(name));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String disable(String hub, int port) {
        try {
            return Files.readString(sys.resolve("bus/usb/devices").resolve(hub + ":1.0").resolve(hub + "-port" + port).resolve("disable")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
