package testbed.lab;

import java.util.List;
import testbed.model.LabException;
import testbed.model.Tentacle;

/** Finds the connected tentacles of one connection kind (octoprobe, usb, virtual, ...) and controls them. */
public interface LabDriver extends AutoCloseable {

    /**
     * Looks for the inventory's tentacles. Tentacles not found are reported as missing; boards that answer but are
     * not in the inventory are listed as unknown and never used.
     */
    Discovery discover(List<Tentacle> inventory) throws LabException;

    /**
     * The image each tentacle (serial) holds, where the driver knows it without powering the board (a simulated
     * board's flash store); real hardware cannot tell, so the default knows nothing. The dry run uses this.
     */
    default java.util.Map<String, java.nio.file.Path> storedImages(List<Tentacle> inventory) {
        return java.util.Map.of();
    }

    @Override
    void close();
}
