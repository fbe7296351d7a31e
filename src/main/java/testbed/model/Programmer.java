package testbed.model;

import java.util.List;
import java.util.Objects;

/** The tool that flashes a tentacle's DUT and its fixed arguments, e.g. esptool with {@code --chip=esp32c3}. */
public record Programmer(String name, List<String> args) {

    /** The programmers testbed can drive (flash.Programmers builds their command lines). */
    public static final List<String> KNOWN = List.of("picotool", "esptool", "dfu-util", "bossac", "samd_bossac", "teensy_loader_cli", "uf2",
            "virtual");

    public Programmer {
        Objects.requireNonNull(name, "name");
        args = List.copyOf(args);
    }

    /**
     * How long a flash with this programmer takes, boot mode and verification included, as labs see it: what a time box
     * allows for a run that must flash first, and what a plan draws. The virtual programmer copies a file.
     */
    public java.time.Duration typicalFlash() {
        return java.time.Duration.ofSeconds(switch (name) {
            case "virtual" -> 4;
            case "picotool", "uf2", "teensy_loader_cli" -> 15;
            case "dfu-util", "bossac", "samd_bossac" -> 30;
            case "esptool" -> 45;
            default -> 30;
        });
    }
}
