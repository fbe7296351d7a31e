package testbed.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.stream.Stream;
import testbed.process.ToolRunner;
import testbed.flash.ToolLocator;
import testbed.lab.SysfsUsb;
import testbed.lab.UsbIds;
import testbed.lab.virtual.Pty;

/** Checks what this host has for real and virtual labs, and says how to install what is missing. */
public final class Doctor {

    public enum Status { OK, MISSING, WARN }

    /** {@code required}: the built-in virtual lab cannot run without it. */
    public record Check(String name, Status status, String detail, boolean required) {}

    private final ToolLocator tools;
    private final SysfsUsb sysfs;
    private final Path cacheDir;
    private final String python;

    /** The checks of this host, as its settings say where to look. */
    public static Doctor forHost(testbed.config.Settings settings) {
        return new Doctor(ToolLocator.onPath(settings.path()), SysfsUsb.system(), settings.cacheDir(), settings.python());
    }

    public Doctor(ToolLocator tools, SysfsUsb sysfs, Path cacheDir, String python) {
        this.python = python;
        this.tools = tools;
        this.sysfs = sysfs;
        this.cacheDir = cacheDir;
    }

    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("java", Status.OK, System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")", true));
        checks.add(version("node", List.of("--version"), "install Node.js 16+ (Debian: apt-get install nodejs npm)", true));
        checks.add(version("npm", List.of("--version"), "install npm (Debian: apt-get install npm); it fetches the MicroPython WebAssembly package", true));
        checks.add(npmPackage());
        checks.add(pty());
        checks.add(version("qemu-system-arm", List.of("--version"),
                "the MICROBIT tentacle of the virtual lab needs it: apt-get install qemu-system-arm", false));
        Path microbit = Path.of("/usr/share/firmware-microbit-micropython/firmware.hex");
        checks.add(Files.isRegularFile(microbit) ? new Check("micro:bit firmware", Status.OK, microbit.toString(), false)
                : new Check("micro:bit firmware", Status.MISSING, "apt-get install firmware-microbit-micropython", false));
        for (var tool : List.of(Map.entry("picotool", "RPI_PICO boards: build from raspberrypi/picotool or your distribution's package"),
                Map.entry("esptool", "ESP32/ESP8266 boards: pipx install esptool (the 'esptool' command)"),
                Map.entry("dfu-util", "STM32 boards: apt-get install dfu-util"),
                Map.entry("bossac", "nRF/SAMD boards: apt-get install bossa-cli"),
                Map.entry("teensy_loader_cli", "Teensy boards: apt-get install teensy-loader-cli"))) {
            checks.add(tools.find(tool.getKey()).map(p -> new Check(tool.getKey(), Status.OK, p.toString(), false))
                    .orElse(new Check(tool.getKey(), Status.MISSING, tool.getValue(), false)));
        }
        checks.add(python());
        checks.addAll(builders());
        checks.add(serialPorts());
        checks.add(hubPower());
        checks.add(usbAutosuspend(sysfs));
        return checks;
    }

    private Check version(String tool, List<String> args, String fix, boolean required) {
        var exe = tools.find(tool);
        if (exe.isEmpty()) {
            return new Check(tool, Status.MISSING, fix, required);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.get().toString());
        cmd.addAll(args);
        String out = output(cmd);
        return new Check(tool, Status.OK, out.lines().findFirst().orElse("").strip(), required);
    }

    private Check npmPackage() {
        Path root = cacheDir.resolve("node");
        try (Stream<Path> dirs = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            boolean installed = dirs.anyMatch(d -> Files.isRegularFile(
                    d.resolve("node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs")));
            return installed ? new Check("MicroPython WebAssembly", Status.OK, "installed under " + root, false)
                    : new Check("MicroPython WebAssembly", Status.WARN, "not fetched yet: the first virtual-lab command runs 'npm ci' (needs the npm registry)", false);
        } catch (IOException e) {
            return new Check("MicroPython WebAssembly", Status.WARN, e.getMessage(), false);
        }
    }

    private static Check pty() {
        try (Pty pty = Pty.open()) {
            return new Check("pseudo-terminals", Status.OK, "openpty works (" + pty.slavePath() + ")", true);
        } catch (IOException | RuntimeException | LinkageError e) {
            return new Check("pseudo-terminals", Status.MISSING, "openpty failed (" + e.getMessage() + "): is /dev/pts mounted?", true);
        }
    }

    /** The Python for MicroPython's runners (run-tests.py and friends), as a session would choose it. */
    private Check python() {
        String chosen = testbed.process.Python.forRunners(python);
        var version = testbed.process.Python.pyserialVersion(chosen);
        if (version.isPresent()) {
            String note = chosen.equals(python) ? "" : " (" + python + " lacks pyserial, so the runners use " + chosen + ")";
            return new Check("python + pyserial", Status.OK, chosen + ", pyserial " + version.get() + note, false);
        }
        return new Check("python + pyserial", Status.MISSING, "MicroPython's runners (--micropython) need a Python with pyserial; " + python
                + " has none: apt-get install python3-serial (for Debian's /usr/bin/python3; PyPI-less hosts cannot pip install), or name one with "
                + "--python / $TESTBED_PYTHON", false);
    }

    /** What builds host tools and firmware from --micropython: mpy-cross (make, gcc) and the QEMU port (the Arm toolchain). */
    private List<Check> builders() {
        List<Check> checks = new ArrayList<>();
        boolean host = tools.find("make").isPresent() && tools.find("gcc").isPresent();
        checks.add(host ? new Check("mpy-cross build", Status.OK, "make and gcc: mpy-cross is built from --micropython when a group needs it", false)
                : new Check("mpy-cross build", Status.MISSING, "--via-mpy and native groups build mpy-cross: apt-get install make gcc", false));
        boolean arm = tools.find("arm-none-eabi-gcc").isPresent() && Files.isDirectory(Path.of("/usr/lib/arm-none-eabi/newlib"));
        checks.add(arm ? new Check("arm-none-eabi toolchain", Status.OK, "the MPS2_AN385 (QEMU) firmware is built from --micropython", false)
                : new Check("arm-none-eabi toolchain", Status.MISSING,
                        "the MPS2_AN385 tentacle's firmware is built with it: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi", false));
        return checks;
    }

    private Check serialPorts() {
        List<String> denied = new ArrayList<>();
        int count = 0;
        for (SysfsUsb.Tty tty : sysfs.ttys()) {
            count++;
            Path p = Path.of(tty.devicePath());
            if (!Files.isReadable(p) || !Files.isWritable(p)) {
                denied.add(p.toString());
            }
        }
        if (!denied.isEmpty()) {
            return new Check("serial ports", Status.WARN, "no read/write access to " + String.join(", ", denied) + ": add your user to group dialout", false);
        }
        return new Check("serial ports", Status.OK, count + " USB serial ports, all accessible", false);
    }

    /** USB autosuspend off, as the anchor lab's maintainers found necessary: a suspended hub or board loses serial bytes. */
    static Check usbAutosuspend(SysfsUsb sysfs) {
        Optional<Integer> delay = sysfs.autosuspendSeconds();
        if (delay.isEmpty()) {
            return new Check("USB autosuspend", Status.WARN, "the kernel does not say (no /sys/module/usbcore/parameters/autosuspend)", false);
        }
        if (delay.get() < 0) {
            return new Check("USB autosuspend", Status.OK, "off", false);
        }
        return new Check("USB autosuspend", Status.WARN, "on (after " + delay.get() + " s idle): a suspended hub or board drops serial bytes; "
                + "turn it off: echo -1 | sudo tee /sys/module/usbcore/parameters/autosuspend, and for good usbcore.autosuspend=-1 on the "
                + "kernel command line", false);
    }

    private Check hubPower() {
        List<String> denied = new ArrayList<>();
        int hubs = 0;
        for (SysfsUsb.Device d : sysfs.devices()) {
            if (!d.id().equals(UsbIds.TENTACLE_HUB)) {
                continue;
            }
            hubs++;
            Path file = sysfs.portDisableFile(d.location(), 3);
            if (!Files.isWritable(file)) {
                denied.add(file.toString());
            }
        }
        if (!denied.isEmpty()) {
            return new Check("hub port power", Status.WARN, "cannot write " + denied.get(0) + (denied.size() > 1 ? " and " + (denied.size() - 1) + " more" : "")
                    + ": install octoprobe's udev rule (chgrp plugdev, chmod 660 on */disable) and join plugdev", false);
        }
        return new Check("hub port power", Status.OK, hubs + " tentacle hubs, power switchable (Linux 6.0+ port 'disable' files)", false);
    }

    private static String output(List<String> cmd) {
        var out = new java.io.ByteArrayOutputStream();
        try {
            ToolRunner.run(cmd, Path.of("."), Map.of(), Duration.ofSeconds(10), out);
        } catch (IOException e) {
            return "Error: " + e.getMessage();
        }
        String text = out.toString();
        // drop ToolRunner's header (cd, timeout, command) and trailer (returncode, duration)
        return text.lines().skip(3).filter(l -> !l.startsWith("returncode=") && !l.startsWith("duration=")).reduce("", (a, b) -> a + b + "\n");
    }
}
