package testbed.bartender;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Fut;
import testbed.model.Tentacle;
import testbed.simulation.DurationModel;
import testbed.engine.Simulations;
import testbed.simulation.SimClock;

class FirmwareBartenderTest {

    private static Firmware built(String name, double seconds) {
        return new Firmware(BoardVariant.parse(name), name, Path.of(name), Optional.empty(),
                Optional.of(new Firmware.Build(List.of("make"), seconds)), Path.of(name, "firmware.json"));
    }

    private static Firmware prebuilt(String name) {
        return new Firmware(BoardVariant.parse(name), name, Path.of(name), Optional.of("00"), Optional.empty(), Path.of(name, "firmware.json"));
    }

    @Test
    void prebuiltImagesAreReadyAtOnceAndOnlyNeededOnesCount() {
        Map<BoardVariant, Firmware> catalog = Map.of(
                BoardVariant.parse("RPI_PICO"), prebuilt("RPI_PICO"), BoardVariant.parse("TEENSY40"), prebuilt("TEENSY40"));

        FirmwareBartender f = new FirmwareBartender(Set.of(BoardVariant.parse("RPI_PICO")), catalog, Set.of("RPI_PICO_W"));

        assertThat(f.readyAtStart()).containsExactly(BoardVariant.parse("RPI_PICO"));
        assertThat(f.hasPendingBuilds()).isFalse();
    }

    @Test
    void buildsOneAtATimeReferenceBoardFirstThenTheHungriest() {
        Map<BoardVariant, Firmware> catalog = new TreeMap<>();
        for (String name : List.of("RPI_PICO_W", "RPI_PICO2", "RPI_PICO2-RISCV", "ESP8266_GENERIC")) {
            catalog.put(BoardVariant.parse(name), built(name, 60));
        }
        FirmwareBartender f = new FirmwareBartender(catalog.keySet(), catalog, Set.of("RPI_PICO_W"));
        Map<BoardVariant, Long> waiting = Map.of(BoardVariant.parse("ESP8266_GENERIC"), 900_000L, BoardVariant.parse("RPI_PICO2"), 100_000L);

        assertThat(f.nextBuild(waiting).orElseThrow().boardVariant().name()).isEqualTo("RPI_PICO_W");
        assertThat(f.nextBuild(waiting)).as("one build at a time").isEmpty();
        f.built(BoardVariant.parse("RPI_PICO_W"), true);
        assertThat(f.nextBuild(waiting).orElseThrow().boardVariant().name()).isEqualTo("ESP8266_GENERIC");
        f.built(BoardVariant.parse("ESP8266_GENERIC"), true);
        assertThat(f.nextBuild(Map.of()).orElseThrow().boardVariant().name()).as("then default variants first").isEqualTo("RPI_PICO2");
        f.built(BoardVariant.parse("RPI_PICO2"), false);
        assertThat(f.nextBuild(Map.of()).orElseThrow().boardVariant().name()).isEqualTo("RPI_PICO2-RISCV");
        f.built(BoardVariant.parse("RPI_PICO2-RISCV"), true);
        assertThat(f.hasPendingBuilds()).isFalse();
    }

    @Test
    void testsStartTheMomentTheirFirmwareIsBuiltWhileTheNextBuildProceeds() {
        Tentacle pico2 = Fixtures.pico2("5334");
        var spec = Fixtures.spec("RUN-TESTS_EXTMOD_HARDWARE", Fut.FUT_EXTMOD_HARDWARE, 15);
        Map<BoardVariant, Firmware> catalog = Map.of(
                BoardVariant.parse("RPI_PICO2"), built("RPI_PICO2", 61.5), BoardVariant.parse("RPI_PICO2-RISCV"), built("RPI_PICO2-RISCV", 38));
        SimClock clock = new SimClock(Instant.EPOCH);
        TestBartender b = new TestBartender(BartenderConfig.defaults(), clock, DurationEstimator.fromSpecs(), List.of(pico2), List.of(pico2),
                List.of(spec), catalog.keySet());
        FirmwareBartender f = new FirmwareBartender(b.neededFirmware(), catalog, Set.of("RPI_PICO_W"));

        var result = Simulations.run(b, f, DurationModel.estimates(DurationEstimator.fromSpecs(), Duration.ZERO), clock);

        // The anchor's RPI_PICO2 timing report: build a 0-61.5, test 61.5-76.5 during build b 61.5-99.5, then the RISCV test.
        assertThat(result.builds()).extracting(bb -> bb.firmware().name(), bb -> bb.start().toEpochMilli(), bb -> bb.end().toEpochMilli())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("RPI_PICO2", 0L, 61_500L),
                        org.assertj.core.groups.Tuple.tuple("RPI_PICO2-RISCV", 61_500L, 99_500L));
        assertThat(result.runs()).extracting(r -> r.run().testid(), r -> r.start().toEpochMilli(), r -> r.end().orElseThrow().toEpochMilli())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("RUN-TESTS_EXTMOD_HARDWARE@5334-RPI_PICO2", 61_500L, 76_500L),
                        org.assertj.core.groups.Tuple.tuple("RUN-TESTS_EXTMOD_HARDWARE@5334-RPI_PICO2-RISCV", 99_500L, 114_500L));
    }

    @Test
    void theKindWithTheMostWorkPerTentacleGetsItsFirmwareFirstAndItsNextVariantsInBetween() {
        // One PYBV11-like board with four variants of long work, three picos with one variant each and less work.
        Tentacle multi = Fixtures.tentacle("0b01", "PYBV11", "PYBV11", Set.of(Fut.FUT_MCU_ONLY), "", "DP", "THREAD", "DP_THREAD");
        List<Tentacle> picos = List.of(Fixtures.pico("1e01"), Fixtures.pico("1e02"), Fixtures.pico("1e03"));
        List<Tentacle> all = new java.util.ArrayList<>(picos);
        all.add(multi);
        var spec = Fixtures.spec("LONG", Fut.FUT_MCU_ONLY, 1000);
        TestBartender b = new TestBartender(BartenderConfig.defaults(), new SimClock(Instant.EPOCH), DurationEstimator.fromSpecs(), all, List.of(),
                List.of(spec), Fixtures.firmwareOf(all));
        Map<BoardVariant, Long> urgency = b.buildUrgencyMillis();

        // PYBV11: 4 variants x 1000 s on one tentacle; RPI_PICO: 1 x 1000 s shared by three.
        assertThat(urgency.get(BoardVariant.parse("PYBV11"))).isEqualTo(4_000_000L);
        assertThat(urgency.get(BoardVariant.parse("PYBV11-DP"))).isEqualTo(4_000_000L);
        assertThat(urgency.get(BoardVariant.parse("RPI_PICO"))).isEqualTo(333_333L);
        Map<BoardVariant, Firmware> catalog = new java.util.HashMap<>();
        for (BoardVariant bv : b.neededFirmware()) {
            catalog.put(bv, built(bv.name(), 60));
        }
        FirmwareBartender f = new FirmwareBartender(b.neededFirmware(), catalog, Set.of("RPI_PICO_W"));
        assertThat(f.nextBuild(urgency).orElseThrow().boardVariant().name()).as("default variant of the busiest kind").isEqualTo("PYBV11");
        f.built(BoardVariant.parse("PYBV11"), true);
        b.firmwareReady(BoardVariant.parse("PYBV11"));
        assertThat(b.buildUrgencyMillis().get(BoardVariant.parse("PYBV11-DP"))).as("its three other variants still wait").isEqualTo(3_000_000L);

        FirmwareBartender anchor = new FirmwareBartender(b.neededFirmware(), catalog, Set.of("RPI_PICO_W"), SchedulingPolicy.ANCHOR);
        List<String> order = new java.util.ArrayList<>();
        for (var next = anchor.nextBuild(Map.of()); next.isPresent(); next = anchor.nextBuild(Map.of())) {
            order.add(next.get().boardVariant().name());
            anchor.built(next.get().boardVariant(), true);
        }
        assertThat(order).as("the anchor's order: each board's n-th variant, boards with more variants first")
                .containsExactly("PYBV11", "RPI_PICO", "PYBV11-DP", "PYBV11-DP_THREAD", "PYBV11-THREAD");
    }
}
