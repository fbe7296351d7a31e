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

    @Override
    void close();
}
