package testbed.model;

import java.util.List;
import java.util.Objects;

/** The tool that flashes a tentacle's DUT and its fixed arguments, e.g. esptool with {@code --chip=esp32c3}. */
public record Programmer(String name, List<String> args) {

    public Programmer {
        Objects.requireNonNull(name, "name");
        args = List.copyOf(args);
    }
}
