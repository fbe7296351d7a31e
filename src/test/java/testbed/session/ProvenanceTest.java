package testbed.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import testbed.model.BoardVariant;
import testbed.model.Connection;
import testbed.model.Firmware;
import testbed.model.Fut;
import testbed.model.MicroPythonSource;
import testbed.model.Programmer;
import testbed.model.Tentacle;
import testbed.selection.Selection;

/** A prebuilt firmware of another version is named; firmware built from the source under test is not. */
class ProvenanceTest {

    private static Tentacle tentacle(String serial, String board) {
        return new Tentacle(serial, board, board, "x", Set.of(Fut.FUT_MCU_ONLY), List.of(""), new Programmer("virtual", List.of()), 0, Map.of(),
                new Connection("usb", Map.of()));
    }

    @Test
    void prebuiltFirmwareIsNamedWithBothVersions() {
        Firmware wasm = new Firmware(BoardVariant.parse("RPI_PICO"), "RPI_PICO;3.4.0; MicroPython v1.27.0 on 2025-12-09", Path.of("p.vimg"),
                Optional.of("00"), Optional.empty(), Path.of("firmware/RPI_PICO/firmware.json"));
        Firmware qemu = new Firmware(BoardVariant.parse("MPS2_AN385"), "file:version.txt", Path.of("firmware.elf"), Optional.empty(),
                Optional.of(new Firmware.Build(List.of("bash", "build.sh", "{micropython}"), 45)), Path.of("firmware/MPS2_AN385/firmware.json"));
        Map<BoardVariant, Firmware> catalog = Map.of(wasm.boardVariant(), wasm, qemu.boardVariant(), qemu);
        Selection selection = new Selection(List.of(tentacle("a-1", "RPI_PICO"), tentacle("b-2", "MPS2_AN385")), List.of(), List.of(), List.of());
        MicroPythonSource v128 = new MicroPythonSource(Path.of("/src/tests"), Optional.of(Path.of("/src")), "micropython-1.28.0.tar.xz",
                Optional.empty(), "v1.28.0");

        assertThat(Provenance.notFromSource(selection, catalog, Optional.of(v128))).containsExactly(
                "RPI_PICO: prebuilt firmware (MicroPython v1.27.0), not built from the source under test (v1.28.0)");
        assertThat(Provenance.notFromSource(selection, catalog, Optional.empty())).as("the built-in suites: no source to differ from").isEmpty();
        MicroPythonSource v127 = new MicroPythonSource(Path.of("/src/tests"), Optional.of(Path.of("/src")), "micropython-1.27.0.tar.xz",
                Optional.empty(), "v1.27.0 (tarball sha256:46d0da493fff)");
        assertThat(Provenance.notFromSource(selection, catalog, Optional.of(v127))).as("the release's image and the release's source").isEmpty();
        MicroPythonSource branch = new MicroPythonSource(Path.of("/src/tests"), Optional.of(Path.of("/src")), "/src", Optional.of("abcdef123456"),
                "v1.27.0-12-gabcdef1");
        assertThat(Provenance.notFromSource(selection, catalog, Optional.of(branch))).hasSize(1);
        // Only a tests folder: nothing can be built from it, so the QEMU image in the folder is not from it either.
        MicroPythonSource testsOnly = new MicroPythonSource(Path.of("/t"), Optional.empty(), "/t", Optional.empty(), "tests folder");
        assertThat(Provenance.notFromSource(selection, catalog, Optional.of(testsOnly))).hasSize(2);
    }
}
