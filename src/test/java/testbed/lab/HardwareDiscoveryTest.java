package testbed.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.board.BoardIoException;
import testbed.model.Connection;
import testbed.model.Fut;
import testbed.model.Programmer;
import testbed.model.Tentacle;

/** Octoprobe tentacles and plain USB boards found in a fake sysfs tree; hub-port power switched in it. */
class HardwareDiscoveryTest {

    @TempDir
    Path root;

    private static Tentacle tentacle(String serial, String tag, String programmer, String kind) {
        return new Tentacle(serial, tag, tag, "rp2", EnumSet.of(Fut.FUT_MCU_ONLY), List.of(""), new Programmer(programmer, List.of()), 0, Map.of(),
                new Connection(kind, Map.of()));
    }

    /** Two tentacles on an octohub4 (bus 1), one tentacle hub without an infra Pico (bus 3), a device on 3-10. */
    private FakeSysfs lab() {
        return new FakeSysfs(root)
                .hub("1-1", 2)
                .hub("1-1.2", 3).device("1-1.2.1", "2e8a", "0005", "E46340474B4E1831", 4).tty("ttyACM0", "1-1.2.1")
                .device("1-1.2.3", "2e8a", "0005", "DUTSERIAL0000001", 5).tty("ttyACM1", "1-1.2.3")
                .hub("1-1.3", 6).device("1-1.3.1", "2e8a", "0005", "E4641448132C5F2C", 7).tty("ttyACM2", "1-1.3.1")
                .hub("1-1.4", 8).device("1-1.4.1", "2e8a", "0005", "DE6528B3CB490000", 9).tty("ttyACM3", "1-1.4.1")
                .hub("3-1", 2)
                .device("3-10", "0403", "6001", "FTDI", 3).tty("ttyUSB0", "3-10");
    }

    @Test
    void usbLocationsCompareComponentWise() {
        assertThat(UsbLocation.parse("3-1").isAncestorOf(UsbLocation.parse("3-1.4"))).isTrue();
        assertThat(UsbLocation.parse("3-1").isAncestorOf(UsbLocation.parse("3-10"))).isFalse();
        assertThat(UsbLocation.parse("3-1.4").child(3)).hasToString("3-1.4.3");
        assertThat(UsbLocation.parse("3-1.4.3").parent()).hasToString("3-1.4");
        assertThat(SysfsUsb.deepestLocation(Path.of("/sys/devices/pci0000:00/usb3/3-5/3-5.2/3-5.2.3/3-5.2.3:1.0/tty/ttyACM1")))
                .map(UsbLocation::toString).contains("3-5.2.3");
    }

    @Test
    void octoprobeFindsTentaclesByTheirInfraPicoSerial() {
        FakeSysfs sysfs = lab();
        OctoprobeLabDriver driver = new OctoprobeLabDriver(sysfs.usb(), Duration.ZERO, (tty, code) -> {});
        Tentacle pico2 = tentacle("e46340474b4e-1831", "RPI_PICO2", "picotool", "octoprobe");
        Tentacle picoW = tentacle("e4641448132c-5f2c", "RPI_PICO_W", "picotool", "octoprobe");
        Tentacle absent = tentacle("e46414481346-0c30", "ESP32_C3_DEVKIT", "esptool", "octoprobe");

        Discovery d = driver.discover(List.of(pico2, picoW, absent));

        assertThat(d.tentacles()).containsExactly(pico2, picoW);
        assertThat(d.missing()).extracting(Discovery.Missing::tentacle).containsExactly(absent);
        // 1-1 has hubs below it: an octohub4, not a tentacle. 1-1.4 is a tentacle not in the inventory; 3-1 lacks its infra Pico.
        assertThat(d.unknown()).containsExactlyInAnyOrder(
                "tentacle de6528b3cb49-0000 at hub 1-1.4: not in the inventory",
                "hub 3-1: no infra Pico on port 1 (unpowered or in BOOTSEL?)");
    }

    @Test
    void dutTtyIsFoundByLocationAgainAfterReEnumeration() throws Exception {
        FakeSysfs sysfs = lab();
        Tentacle pico2 = tentacle("e46340474b4e-1831", "RPI_PICO2", "picotool", "octoprobe");
        Dut dut = new OctoprobeLabDriver(sysfs.usb(), Duration.ZERO, (tty, code) -> {}).discover(List.of(pico2)).found().get(0).dut();
        assertThat(dut.port()).endsWith("/dev/ttyACM1");

        sysfs.removeTty("ttyACM1").tty("ttyACM7", "1-1.2.3");
        assertThat(dut.port()).endsWith("/dev/ttyACM7");

        sysfs.removeTty("ttyACM7");
        assertThatThrownBy(dut::port).isInstanceOf(BoardIoException.Lost.class).hasMessageContaining("is USB connected?");
    }

    @Test
    void aDutWhoseTtyVanishesIsAbsentUntilItComesBackWhereverItEnumerates() throws Exception {
        // What a session's plug watch asks twice a second (hot-plug): the hub port's tty, found by location.
        FakeSysfs sysfs = lab();
        Dut dut = new OctoprobeLabDriver(sysfs.usb(), Duration.ZERO, (tty, code) -> {})
                .discover(List.of(tentacle("e46340474b4e-1831", "RPI_PICO2", "picotool", "octoprobe"))).found().get(0).dut();
        assertThat(dut.present()).isTrue();

        sysfs.removeTty("ttyACM1"); // unplugged, or its hub port powered off
        assertThat(dut.present()).isFalse();

        sysfs.tty("ttyACM9", "1-1.2.3"); // plugged back: another tty name, the same hub port
        assertThat(dut.present()).isTrue();
    }

    @Test
    void powerCycleSwitchesTheHubPortAndTheInfraGpio() throws Exception {
        FakeSysfs sysfs = lab();
        List<String> log = new ArrayList<>();
        OctoprobeLabDriver driver = new OctoprobeLabDriver(sysfs.usb(), Duration.ofMillis(10),
                (tty, code) -> log.add(tty.substring(tty.lastIndexOf('/') + 1) + " " + code.strip().lines().reduce((a, b) -> b).orElse("")
                        + " port3=" + sysfs.disable("1-1.2", 3)));
        Dut dut = driver.discover(List.of(tentacle("e46340474b4e-1831", "RPI_PICO2", "picotool", "octoprobe"))).found().get(0).dut();

        dut.powerCycle();

        assertThat(log).containsExactly("ttyACM0 Pin(23, Pin.OUT).value(0) port3=1", "ttyACM0 Pin(23, Pin.OUT).value(1) port3=0");
        assertThat(sysfs.disable("1-1.2", 3)).isEqualTo("0");
        assertThat(sysfs.disable("1-1.2", 1)).as("the infra Pico stays powered").isEqualTo("0");
    }

    @Test
    void bootModePressesRelayOneAndFindsThePicoBootloaderByLocation() throws Exception {
        FakeSysfs sysfs = lab();
        List<String> infra = new ArrayList<>();
        OctoprobeLabDriver driver = new OctoprobeLabDriver(sysfs.usb(), Duration.ZERO, (tty, code) -> infra.add(code.strip().lines().reduce((a, b) -> b).orElse("")));
        Dut dut = driver.discover(List.of(tentacle("e46340474b4e-1831", "RPI_PICO2", "picotool", "octoprobe"))).found().get(0).dut();
        sysfs.device("1-1.2.3", "2e8a", "000f", "", 12); // the RP2350 in BOOTSEL

        BootTarget target = dut.enterBootMode();

        assertThat(target.placeholders()).containsEntry("bus", "1").containsEntry("address", "12").containsEntry("location", "1-1.2.3");
        assertThat(infra).containsSubsequence("Pin(1, Pin.OUT).value(1)", "Pin(23, Pin.OUT).value(1)", "Pin(1, Pin.OUT).value(0)");
    }

    @Test
    void plainUsbBoardsAreMatchedByUsbSerialAndUnknownOnesListed() {
        FakeSysfs sysfs = new FakeSysfs(root)
                .device("2-3", "2e8a", "0005", "E66038B7133A8F2C", 4).tty("ttyACM0", "2-3")
                .device("2-4", "f055", "9800", "3276345A3037", 5).tty("ttyACM1", "2-4")
                .device("2-5", "0403", "6001", "A50285BI", 6).tty("ttyUSB0", "2-5");
        Tentacle pico = tentacle("e66038b7133a8f2c", "RPI_PICO", "picotool", "usb");

        Discovery d = new UsbLabDriver(sysfs.usb()).discover(List.of(pico));

        assertThat(d.tentacles()).containsExactly(pico);
        assertThat(d.found().get(0).dut().describe()).contains("ttyACM0").contains("usb 2-3");
        assertThat(d.unknown()).singleElement().asString().contains("ttyACM1").contains("f055:9800").contains("3276345A3037");
    }
}
