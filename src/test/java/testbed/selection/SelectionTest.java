package testbed.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import testbed.bartender.Leftover;
import testbed.config.Workspace;
import testbed.model.BoardVariant;
import testbed.model.InvalidInputException;
import testbed.model.Lab;
import testbed.model.RunnerSpec;
import testbed.model.Tentacle;
import testbed.model.TestRunSpec;

/** Every filter of {@code testbed run}, on the shipped virtual lab and specs. */
class SelectionTest {

    private static final Workspace WS = testbed.TestWorkspaces.CHECKOUT;
    private static final Lab LAB = WS.lab("virtual");
    private static final List<TestRunSpec> SPECS = WS.specs();
    private static final Set<BoardVariant> FIRMWARE = WS.firmware().keySet();

    private static SelectionRequest request(Map<String, List<String>> options) {
        return new SelectionRequest(
                options.getOrDefault("only-test", List.of()), options.getOrDefault("skip-test", List.of()),
                options.getOrDefault("only-fut", List.of()), options.getOrDefault("skip-fut", List.of()),
                options.getOrDefault("only-board", List.of()), options.getOrDefault("skip-board", List.of()),
                options.getOrDefault("only-tag", List.of()), options.getOrDefault("firmware", List.of()),
                Set.copyOf(options.getOrDefault("reference-board", List.of("RPI_PICO_W"))),
                Optional.ofNullable(options.get("tests")).map(t -> new testbed.model.MicroPythonSource(Path.of(t.get(0)), Optional.empty(), t.get(0),
                        Optional.empty(), "tests folder")));
    }

    private static Selection select(Map<String, List<String>> options) {
        return Selection.select(LAB.tentacles(), SPECS, FIRMWARE, request(options));
    }

    private static Map<String, List<String>> dutVariants(Selection s) {
        Map<String, List<String>> map = new TreeMap<>();
        s.duts().forEach(t -> map.put(t.label(), t.variants()));
        return map;
    }

    private static List<String> labels(Selection s) {
        return s.specs().stream().map(TestRunSpec::label).toList();
    }

    @Test
    void everythingWithoutFilters() {
        Selection s = select(Map.of());

        assertThat(s.duts()).hasSize(11);
        assertThat(labels(s)).containsExactly("BUILTIN-MULTITESTS", "BUILTIN-PERFBENCH", "BUILTIN-TESTS_BASICS", "BUILTIN-TESTS_EXTMOD");
        assertThat(s.leftovers()).hasSize(10).allMatch(l -> l.reason() == Leftover.Reason.NEEDS_MICROPYTHON_TESTS);
    }

    @Test
    void micropythonTestsDirEnablesTheExternalSpecs() {
        assertThat(labels(select(Map.of("tests", List.of("/tmp/mp/tests"))))).hasSize(14);
    }

    @Test
    void firmwareWithoutVariantSelectsEveryVariantOfTheBoard() {
        Selection s = select(Map.of("firmware", List.of("RPI_PICO2")));

        assertThat(dutVariants(s)).containsOnlyKeys("2a01-RPI_PICO2", "2a02-RPI_PICO2")
                .allSatisfy((k, v) -> assertThat(v).containsExactly("", "RISCV"));
    }

    @Test
    void firmwareWithVariantSelectsOnlyThatVariant() {
        Selection s = select(Map.of("firmware", List.of("RPI_PICO2-RISCV")));

        assertThat(dutVariants(s)).allSatisfy((k, v) -> assertThat(v).containsExactly("RISCV"));
    }

    @Test
    void firmwareIsRepeatable() {
        Selection s = select(Map.of("firmware", List.of("RPI_PICO_W", "ESP8266_GENERIC")));

        assertThat(s.duts()).extracting(Tentacle::board).containsOnly("RPI_PICO_W", "ESP8266_GENERIC").hasSize(3);
    }

    @Test
    void onlyBoardMatchesTagsAndBoardNames() {
        assertThat(select(Map.of("only-board", List.of("LOLIN_D1_MINI"))).duts()).extracting(Tentacle::tag).containsExactly("LOLIN_D1_MINI");
        assertThat(select(Map.of("only-board", List.of("ESP8266_GENERIC"))).duts()).extracting(Tentacle::tag).containsExactly("LOLIN_D1_MINI");
    }

    @Test
    void onlyBoardWithVariantRestrictsTheVariant() {
        assertThat(dutVariants(select(Map.of("only-board", List.of("RPI_PICO2-RISCV")))))
                .containsOnlyKeys("2a01-RPI_PICO2", "2a02-RPI_PICO2")
                .allSatisfy((k, v) -> assertThat(v).containsExactly("RISCV"));
    }

    @Test
    void skipBoardRemovesTentaclesButKeepsThemAsReference() {
        Selection s = select(Map.of("skip-board", List.of("RPI_PICO_W", "RPI_PICO2-RISCV")));

        assertThat(s.duts()).extracting(Tentacle::board).doesNotContain("RPI_PICO_W");
        assertThat(dutVariants(s).get("2a01-RPI_PICO2")).containsExactly("");
        assertThat(s.referencePool()).extracting(Tentacle::board).containsOnly("RPI_PICO_W").hasSize(2);
    }

    @Test
    void onlyTagMatchesEveryKeyAndAnyValue() {
        assertThat(select(Map.of("only-tag", List.of("tier=3"))).duts()).extracting(Tentacle::tag)
                .containsExactlyInAnyOrder("LOLIN_D1_MINI", "MICROBIT");
        assertThat(select(Map.of("only-tag", List.of("tier=1,3", "port=esp8266,nrf"))).duts()).extracting(Tentacle::tag)
                .containsExactlyInAnyOrder("LOLIN_D1_MINI", "MICROBIT");
        assertThat(select(Map.of("only-tag", List.of("tier=2"))).duts()).extracting(Tentacle::tag).containsExactly("MPS2_AN385", "UNIX", "UNIX");
        assertThat(select(Map.of("only-tag", List.of("tier=5"))).duts()).isEmpty();
    }

    @Test
    void onlyAndSkipTest() {
        assertThat(labels(select(Map.of("only-test", List.of("BUILTIN-PERFBENCH", "BUILTIN-MULTITESTS")))))
                .containsExactly("BUILTIN-MULTITESTS", "BUILTIN-PERFBENCH");
        assertThat(labels(select(Map.of("skip-test", List.of("BUILTIN-PERFBENCH")))))
                .containsExactly("BUILTIN-MULTITESTS", "BUILTIN-TESTS_BASICS", "BUILTIN-TESTS_EXTMOD");
    }

    @Test
    void onlyTestWithCommandReplacesTheRunner() {
        Selection s = select(Map.of("only-test", List.of("RUN-TESTS_STANDARD:run-tests.py --via-mpy --test-dirs=micropython")));

        assertThat(s.specs()).singleElement().satisfies(spec -> {
            assertThat(spec.label()).isEqualTo("RUN-TESTS_STANDARD");
            assertThat(spec.runner()).isEqualTo(new RunnerSpec.External(List.of("run-tests.py", "--via-mpy", "--test-dirs=micropython"), Map.of()));
        });
    }

    @Test
    void onlyTestWithTestsRunsThoseTestsOfTheGroupAndKeepsItsEnvironment() {
        Selection s = select(Map.of("only-test", List.of("RUN-MULTITESTS_MULTINET=multi_net/tcp_data.py, multi_net/udp*.py"), "tests", List.of("/mp/tests")));

        assertThat(s.specs()).singleElement().satisfies(spec -> {
            RunnerSpec.External ext = (RunnerSpec.External) spec.runner();
            assertThat(ext.command()).startsWith("{python}", "{tests}/run-multitests.py").doesNotContain("{tests}/multi_net/*.py")
                    .endsWith("{tests}/multi_net/tcp_data.py", "{tests}/multi_net/udp*.py");
            assertThat(ext.env()).containsEntry("MICROPY_TEST_TIMEOUT", "60");
            assertThat(ext.requires()).isNotEmpty();
        });
        assertThatThrownBy(() -> select(Map.of("only-test", List.of("BUILTIN-TESTS_BASICS=basics/int.py"))))
                .hasMessageContaining("--only-test BUILTIN-TESTS_BASICS=basics/int.py").hasMessageContaining("built-in suite");
        assertThatThrownBy(() -> select(Map.of("only-test", List.of("RUN-TESTS_STANDARD=")))).hasMessageContaining("no test after '='");
    }

    @Test
    void aDisabledTentacleIsNeitherDutNorReferenceAndIsLeftOverWithWhy() {
        Selection all = select(Map.of("only-test", List.of("BUILTIN-MULTITESTS")));
        String serial = all.referencePool().get(0).serial();

        Selection s = all.withoutDisabled(Map.of(serial, "disabled by anna at 2026-12-03T10:00:00Z: rewiring"));

        assertThat(s.duts()).noneMatch(t -> t.serial().equals(serial));
        assertThat(s.referencePool()).noneMatch(t -> t.serial().equals(serial));
        assertThat(s.leftovers()).anySatisfy(l -> {
            assertThat(l.reason()).isEqualTo(testbed.bartender.Leftover.Reason.DISABLED);
            assertThat(l.detail()).contains("rewiring");
            assertThat(l.isInfrastructure()).as("a person's choice, no lab error").isFalse();
        });
    }

    @Test
    void onlyAndSkipFut() {
        assertThat(labels(select(Map.of("only-fut", List.of("FUT_WLAN"))))).containsExactly("BUILTIN-MULTITESTS");
        assertThat(labels(select(Map.of("skip-fut", List.of("FUT_WLAN", "FUT_BLE"))))).doesNotContain("BUILTIN-MULTITESTS").hasSize(3);
    }

    @Test
    void referenceBoardChoosesThePool() {
        Selection s = select(Map.of("reference-board", List.of("ESP32_GENERIC_C3", "RPI_PICO_W")));

        assertThat(s.referencePool()).extracting(Tentacle::board).containsOnly("ESP32_GENERIC_C3", "RPI_PICO_W").hasSize(3);
    }

    @Test
    void unknownNamesFailWithTheValidOnes() {
        assertThatThrownBy(() -> select(Map.of("only-board", List.of("NOPE")))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("RPI_PICO2").hasMessageContaining("LOLIN_D1_MINI");
        assertThatThrownBy(() -> select(Map.of("skip-fut", List.of("FUT_I2C")))).hasMessageContaining("FUT_EXTMOD_HARDWARE");
    }
}
