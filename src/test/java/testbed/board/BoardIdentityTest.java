package testbed.board;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the identity query's answer says about a board: who it is, and what MicroPython's runners will find on it. */
class BoardIdentityTest {

    @Test
    void nativeArchAndModulesComeFromTheAnswer() throws Exception {
        BoardIdentity qemu = BoardIdentity.parse("MPS2_AN385\nmps2-an385 with Cortex-M3\n3.4.0; MicroPython v1.27.0 on 2026-12-02\n\nqemu\n6918\n\n");
        assertThat(qemu.firmware()).isEqualTo("MPS2_AN385;3.4.0; MicroPython v1.27.0 on 2026-12-02");
        assertThat(qemu.nativeArch()).isEqualTo("armv7em"); // what MicroPython's QEMU port reports: _mpy 6918, arch field 6
        BoardIdentity wasm = BoardIdentity.parse("RPI_PICO\nRaspberry Pi Pico with RP2040\n3.4.0; MicroPython v1.27.0\n72\nwebassembly\n774\nunittest\n");
        assertThat(wasm.nativeArch()).isEmpty();
        assertThat(wasm.modules()).containsExactly("unittest");
        assertThat(BoardIdentity.parse("B\nm\nv\nid\nwebassembly\n774\nunittest\n1000\n").clockStep()).hasValue(1000);
        assertThat(wasm.clockStep()).isEmpty();
        BoardIdentity picoW = BoardIdentity.parse("RPI_PICO_W\nm\nv\nid\nrp2\n4102\nsocket,network,bluetooth,unittest\n");
        assertThat(picoW.modules()).contains("socket", "bluetooth");
        assertThat(picoW.nativeArch()).isEqualTo("armv6m");
    }

    @Test
    void oldFirmwareWithoutTheNewLinesStillParses() throws Exception {
        BoardIdentity microbit = BoardIdentity.parse("\nmicro:bit with nRF51822\nMicroPython v1.9.2\n\nmicrobit\n");
        assertThat(microbit.mpy()).isEmpty();
        assertThat(microbit.nativeArch()).isEmpty();
        assertThat(microbit.modules()).isEmpty();
    }
}
