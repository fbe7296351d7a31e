package testbed.bartender;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import testbed.model.BoardVariant;
import testbed.model.Connection;
import testbed.model.Fut;
import testbed.model.Programmer;
import testbed.model.RunnerSpec;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;

/** Builders for scheduler scenarios: tentacles, specs, and a bartender with every firmware ready. */
final class Fixtures {

    private Fixtures() {}

    static Tentacle tentacle(String serial4, String tag, String board, Set<Fut> futs, String... variants) {
        List<String> v = variants.length == 0 ? List.of("") : Arrays.asList(variants);
        return new Tentacle("e4634047" + serial4 + "-" + serial4, tag, board, "rp2", futs, v, new Programmer("picotool", List.of()), 0,
                Map.of(), new Connection("octoprobe", Map.of()));
    }

    static Tentacle pico(String serial4) {
        return tentacle(serial4, "RPI_PICO", "RPI_PICO", EnumSet.of(Fut.FUT_MCU_ONLY, Fut.FUT_EXTMOD_HARDWARE));
    }

    static Tentacle pico2(String serial4) {
        return tentacle(serial4, "RPI_PICO2", "RPI_PICO2", EnumSet.of(Fut.FUT_MCU_ONLY, Fut.FUT_EXTMOD_HARDWARE), "", "RISCV");
    }

    static Tentacle picoW(String serial4) {
        return tentacle(serial4, "RPI_PICO_W", "RPI_PICO_W", EnumSet.allOf(Fut.class));
    }

    static Tentacle esp32c3(String serial4) {
        return tentacle(serial4, "ESP32_C3_DEVKIT", "ESP32_GENERIC_C3", EnumSet.allOf(Fut.class));
    }

    static Tentacle esp8266(String serial4) {
        return tentacle(serial4, "LOLIN_D1_MINI", "ESP8266_GENERIC", EnumSet.of(Fut.FUT_MCU_ONLY, Fut.FUT_EXTMOD_HARDWARE, Fut.FUT_WLAN));
    }

    static TestRunSpec spec(String label, Fut fut, double estimateSeconds) {
        return new TestRunSpec(label, "", new RunnerSpec.BuiltinTests("suite", 10), fut, false, estimateSeconds * 3, 0,
                OptionalDouble.of(estimateSeconds), Path.of(label + ".json"));
    }

    static TestRunSpec referenceSpec(String label, Fut fut, double estimateSeconds) {
        return new TestRunSpec(label, "", new RunnerSpec.BuiltinMultitest("suite", 10), fut, true, estimateSeconds * 3, 0,
                OptionalDouble.of(estimateSeconds), Path.of(label + ".json"));
    }

    static TestRunSpec withPriority(TestRunSpec s, int priority) {
        return new TestRunSpec(s.label(), s.description(), s.runner(), s.requiredFut(), s.requiresReference(), s.timeoutSeconds(), priority,
                s.estimatedDurationSeconds(), s.file());
    }

    /** Every board-variant of the tentacles. */
    static Set<BoardVariant> firmwareOf(List<Tentacle> tentacles) {
        Set<BoardVariant> all = new HashSet<>();
        for (Tentacle t : tentacles) {
            t.variants().forEach(v -> all.add(t.boardVariant(v)));
        }
        return all;
    }

    /** A bartender over the tentacles (all of them DUTs and reference candidates) with all firmware ready. */
    static TestBartender bartender(BartenderConfig config, List<Tentacle> tentacles, List<TestRunSpec> specs) {
        Set<BoardVariant> firmware = firmwareOf(tentacles);
        TestBartender b = new TestBartender(config, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), DurationEstimator.fromSpecs(),
                tentacles, tentacles, specs, firmware);
        firmware.forEach(b::firmwareReady);
        return b;
    }

    /** Starts runs until the bartender has no candidate. */
    static List<TestRun> startAll(TestBartender b) {
        List<TestRun> started = new ArrayList<>();
        for (Optional<TestRun> r = b.next(); r.isPresent(); r = b.next()) {
            started.add(r.get());
        }
        return started;
    }

    /** Runs a session to its end: start what can start, complete the oldest run, repeat. Returns every run in start order. */
    static List<TestRun> drain(TestBartender b) {
        List<TestRun> all = new ArrayList<>();
        List<TestRun> running = new ArrayList<>();
        while (true) {
            List<TestRun> started = startAll(b);
            all.addAll(started);
            running.addAll(started);
            if (running.isEmpty()) {
                return all;
            }
            b.completed(running.remove(0), new RunOutcome.Ran(false));
        }
    }

    static List<String> testids(List<TestRun> runs) {
        return runs.stream().map(TestRun::testid).toList();
    }
}
