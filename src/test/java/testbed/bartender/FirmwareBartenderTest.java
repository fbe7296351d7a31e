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
import testbed.simulation.LabSimulation;
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

        var result = LabSimulation.run(b, f, DurationModel.estimates(DurationEstimator.fromSpecs(), Duration.ZERO), clock);

        // The anchor's RPI_PICO2 timing report: build a 0-61.5, test 61.5-76.5 during build b 61.5-99.5, then the RISCV test.
        assertThat(result.builds()).extracting(bb -> bb.firmware().name(), bb -> bb.start().toEpochMilli(), bb -> bb.end().toEpochMilli())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("RPI_PICO2", 0L, 61_500L),
                        org.assertj.core.groups.Tuple.tuple("RPI_PICO2-RISCV", 61_500L, 99_500L));
        assertThat(result.runs()).extracting(r -> r.run().testid(), r -> r.start().toEpochMilli(), r -> r.end().toEpochMilli())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("RUN-TESTS_EXTMOD_HARDWARE@5334-RPI_PICO2", 61_500L, 76_500L),
                        org.assertj.core.groups.Tuple.tuple("RUN-TESTS_EXTMOD_HARDWARE@5334-RPI_PICO2-RISCV", 99_500L, 114_500L));
    }
}
