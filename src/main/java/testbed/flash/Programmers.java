package testbed.flash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import testbed.lab.BootTarget;
import testbed.model.LabException;
import testbed.model.Programmer;

/**
 * How each programmer is called, as in octoprobe: picotool by USB bus/address, esptool by tty, dfu-util by USB serial,
 * bossac (nrf and samd flavours), teensy_loader_cli, a UF2 copy to the bootloader's drive, and the virtual programmer.
 * The lab file's programmer {@code args} go where the tool expects its board-specific options.
 */
public final class Programmers {

    /** A resolved tool invocation; {@code copyTo} is set instead for a UF2 drive copy. */
    public record Invocation(List<String> command, Duration timeout, Path copyTo) {}

    public static final List<String> KNOWN = testbed.model.Programmer.KNOWN;

    private Programmers() {}

    public static Invocation invocation(Programmer programmer, BootTarget target, Path image, ToolLocator tools) {
        Map<String, String> p = target.placeholders();
        List<String> args = programmer.args();
        return switch (programmer.name()) {
            case "picotool" -> tool(tools, "picotool", Duration.ofSeconds(30),
                    concat(List.of("load", "--update", "--bus", need(p, "bus"), "--address", need(p, "address")), args, List.of("--execute", image.toString())));
            case "esptool" -> tool(tools, "esptool", Duration.ofSeconds(60), concat(List.of("--port", need(p, "port")), args, List.of(image.toString())));
            case "dfu-util" -> tool(tools, "dfu-util", Duration.ofSeconds(60),
                    concat(List.of("--serial", need(p, "serial")), args, List.of("--download", image.toString())));
            case "bossac" -> tool(tools, "bossac", Duration.ofSeconds(60), concat(List.of("--erase", "--write"), args,
                    List.of("--port", need(p, "port"), "--info", "--usb-port", "--reset", image.toString())));
            case "samd_bossac" -> tool(tools, "bossac", Duration.ofSeconds(60), concat(List.of("--erase", "--write", "--port", need(p, "port"),
                    "--info", "--verify", "--reset"), args, List.of(image.toString())));
            case "teensy_loader_cli" -> tool(tools, "teensy_loader_cli", Duration.ofSeconds(60), concat(args, List.of("-v", "-w"), List.of(image.toString())));
            case "uf2" -> new Invocation(List.of(), Duration.ofSeconds(60), Path.of(need(p, "mount")));
            case "virtual" -> tool(tools, "node", Duration.ofSeconds(30),
                    List.of(need(p, "programmer_script"), "--store", need(p, "store"), image.toString()));
            default -> throw new LabException("unknown programmer '" + programmer.name() + "' (known: " + String.join(", ", KNOWN) + ")");
        };
    }

    private static Invocation tool(ToolLocator tools, String name, Duration timeout, List<String> args) {
        Path exe = tools.find(name).orElseThrow(() -> new LabException(name + " not found on PATH; see 'testbed doctor'"));
        List<String> command = new ArrayList<>();
        command.add(exe.toString());
        command.addAll(args);
        return new Invocation(command, timeout, null);
    }

    private static String need(Map<String, String> placeholders, String key) {
        String v = placeholders.get(key);
        if (v == null || v.isEmpty()) {
            throw new LabException("the boot-mode device gives no '" + key + "' for this programmer");
        }
        return v;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }
}
