package testbed.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A lab inventory: the tentacles one host (or one lab) may use, by serial.
 *
 * @param referenceBoards the boards whose tentacles serve as reference for multi-board tests in this lab ({@code
 *     --reference-board} overrides); empty: the default
 * @param usb how many flashes its hubs and its host take at once ({@code usb_load} in its file)
 */
public record Lab(String name, String description, Path file, List<Tentacle> tentacles, List<String> referenceBoards, UsbLimits usb) {

    public Lab {
        tentacles = List.copyOf(tentacles);
        referenceBoards = List.copyOf(referenceBoards);
        java.util.Objects.requireNonNull(usb, "usb");
    }

    public Lab(String name, String description, Path file, List<Tentacle> tentacles) {
        this(name, description, file, tentacles, List.of(), UsbLimits.NONE);
    }

    /** The same lab with only these tentacles: what a session connects (a board it will not use is not even powered up). */
    public Lab only(java.util.Collection<String> serials) {
        return new Lab(name, description, file, tentacles.stream().filter(t -> serials.contains(t.serial())).toList(), referenceBoards, usb);
    }

    public Optional<Tentacle> bySerial(String serial) {
        return tentacles.stream().filter(t -> t.serial().equals(serial)).findFirst();
    }
}
