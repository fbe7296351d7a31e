package testbed.session;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import testbed.model.LabException;
import testbed.results.AtomicJson;

/**
 * Tentacles a person took out of a lab by hand ({@code testbed lab disable}), kept with the lab's state on this host
 * ({@code <state>/labs/<lab>/disabled.json}, by serial): no session hands them a run until they are enabled again,
 * and what they would have run is left over with who took them out, when and why.
 */
public final class DisabledTentacles {

    /** Who took a tentacle out, when and why. */
    public record Disabled(String label, String by, String at, String reason) {
        /** e.g. {@code disabled by anna at 2026-12-03T10:00:00Z: rewiring the I2C bus}. */
        public String describe() {
            return "disabled by " + by + " at " + at + ": " + reason;
        }
    }

    private static final TypeReference<TreeMap<String, Disabled>> TYPE = new TypeReference<>() {};

    private DisabledTentacles() {}

    static Path file(Path stateDir, String lab) {
        return stateDir.resolve("labs").resolve(lab).resolve("disabled.json");
    }

    /** Serial → who disabled it; empty when nothing is. */
    public static Map<String, Disabled> of(Path stateDir, String lab) {
        Path f = file(stateDir, lab);
        if (!Files.isRegularFile(f)) {
            return Map.of();
        }
        try {
            return AtomicJson.MAPPER.readValue(f.toFile(), TYPE);
        } catch (IOException e) {
            throw new LabException(f + ": cannot read the disabled tentacles: " + e.getMessage(), e);
        }
    }

    public static void disable(Path stateDir, String lab, String serial, Disabled why) {
        Map<String, Disabled> all = new TreeMap<>(of(stateDir, lab));
        all.put(serial, why);
        AtomicJson.write(file(stateDir, lab), all);
    }

    /** @return who had disabled it, or null when it was not */
    public static Disabled enable(Path stateDir, String lab, String serial) {
        Map<String, Disabled> all = new TreeMap<>(of(stateDir, lab));
        Disabled was = all.remove(serial);
        if (was != null) {
            AtomicJson.write(file(stateDir, lab), all);
        }
        return was;
    }
}
