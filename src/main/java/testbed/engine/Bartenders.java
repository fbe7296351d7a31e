package testbed.engine;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import testbed.bartender.BartenderConfig;
import testbed.bartender.DurationEstimator;
import testbed.bartender.FirmwareBartender;
import testbed.bartender.TestBartender;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.selection.Selection;

/** The two bartenders of one session, wired the same way for a real, a planned and a benchmarked session. */
public record Bartenders(TestBartender tests, FirmwareBartender firmware) {

    public static Bartenders of(BartenderConfig config, Clock clock, DurationEstimator estimator, Selection selection,
            Map<BoardVariant, Firmware> catalog) {
        TestBartender tests = new TestBartender(config, clock, estimator, selection.duts(), selection.referencePool(), selection.specs(),
                catalog.keySet());
        return new Bartenders(tests, new FirmwareBartender(tests.neededFirmware(), catalog, config.referenceBoards(), config.policy()));
    }

    /** Which catalog firmware each board runs, from the version text it reports (serial → version); unknown texts are left out. */
    public static Map<String, BoardVariant> carried(Map<BoardVariant, Firmware> catalog, Map<String, String> versions) {
        Map<String, BoardVariant> carried = new LinkedHashMap<>();
        versions.forEach((serial, version) -> catalog.values().stream().filter(fw -> fw.version().equals(version)).findFirst()
                .ifPresent(fw -> carried.put(serial, fw.boardVariant())));
        return carried;
    }

    public SessionEngine engine(LabBackend backend, EngineListener listener) {
        return new SessionEngine(tests, firmware, backend, listener);
    }
}
