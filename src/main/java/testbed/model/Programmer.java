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
}
