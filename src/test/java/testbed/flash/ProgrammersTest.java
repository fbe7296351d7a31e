package testbed.flash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.process.ToolRunner;
import testbed.lab.BootTarget;
import testbed.model.LabException;
import testbed.model.Programmer;

/** Each programmer's command line, run against a fake tool script that records the arguments it receives. */
class ProgrammersTest {

    @TempDir
    Path dir;

    private Path fakeTool(String name, int exitCode) throws IOException {
        Path script = dir.resolve("bin").resolve(name);
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"" + dir.resolve(name + ".args") + "\"\necho \"" + name + " flashing\"\nexit "
                + exitCode + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    static Stream<Arguments> programmers() {
        BootTarget target = new BootTarget(Map.of("bus", "3", "address", "17", "port", "/dev/ttyACM4", "serial", "336F33593138", "store", "/s",
                "programmer_script", "/p.mjs"));
        return Stream.of(
                Arguments.of("picotool", "picotool", List.of(), target, List.of("load", "--update", "--bus", "3", "--address", "17", "--execute", "IMG")),
                Arguments.of("esptool", "esptool", List.of("--chip=esp32c3", "--baud=921600", "write-flash", "0x0"), target,
                        List.of("--port", "/dev/ttyACM4", "--chip=esp32c3", "--baud=921600", "write-flash", "0x0", "IMG")),
                Arguments.of("dfu-util", "dfu-util", List.of(), target, List.of("--serial", "336F33593138", "--download", "IMG")),
                Arguments.of("bossac", "bossac", List.of("--offset=0x16000"), target,
                        List.of("--erase", "--write", "--offset=0x16000", "--port", "/dev/ttyACM4", "--info", "--usb-port", "--reset", "IMG")),
                Arguments.of("samd_bossac", "bossac", List.of("--offset=0x2000"), target,
                        List.of("--erase", "--write", "--port", "/dev/ttyACM4", "--info", "--verify", "--reset", "--offset=0x2000", "IMG")),
                Arguments.of("teensy_loader_cli", "teensy_loader_cli", List.of("--mcu=imxrt1062"), target, List.of("--mcu=imxrt1062", "-v", "-w", "IMG")),
                Arguments.of("virtual", "node", List.of(), target, List.of("/p.mjs", "--store", "/s", "IMG")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programmers")
    void toolReceivesTheArgumentsOctoprobeUses(String programmer, String tool, List<String> args, BootTarget target, List<String> expected)
            throws IOException {
        Path image = dir.resolve("firmware.bin");
        Files.writeString(image, "image");
        ToolLocator tools = new ToolLocator(Map.of(tool, fakeTool(tool, 0)), "");

        Programmers.Invocation call = Programmers.invocation(new Programmer(programmer, args), target, image, tools);
        ToolRunner.Result r = ToolRunner.run(call.command(), dir, Map.of(), call.timeout(), dir.resolve("flashing_stdout.txt"));

        assertThat(r.succeeded()).isTrue();
        assertThat(Files.readAllLines(dir.resolve(tool + ".args"))).containsExactlyElementsOf(
                expected.stream().map(a -> a.equals("IMG") ? image.toString() : a).toList());
        assertThat(Files.readString(dir.resolve("flashing_stdout.txt"))).contains(tool + " flashing").contains("returncode=0").contains("duration=");
    }

    @Test
    void failingToolIsReportedWithItsExitCodeInTheLog() throws IOException {
        ToolLocator tools = new ToolLocator(Map.of("picotool", fakeTool("picotool", 3)), "");
        var call = Programmers.invocation(new Programmer("picotool", List.of()), new BootTarget(Map.of("bus", "1", "address", "2")), dir.resolve("x.uf2"), tools);

        ToolRunner.Result r = ToolRunner.run(call.command(), dir, Map.of(), Duration.ofSeconds(10), dir.resolve("log.txt"));

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(Files.readString(dir.resolve("log.txt"))).contains("returncode=3");
    }

    @Test
    void hangingToolIsKilledByTheWatchdog() throws IOException {
        Path script = dir.resolve("slow");
        Files.writeString(script, "#!/bin/sh\nsleep 30\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        ToolRunner.Result r = ToolRunner.run(List.of(script.toString()), dir, Map.of(), Duration.ofMillis(500), dir.resolve("log.txt"));

        assertThat(r.timedOut()).isTrue();
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(10));
        assertThat(Files.readString(dir.resolve("log.txt"))).contains("TIMEOUT after 0s: killed");
    }

    @Test
    void missingToolOrBootInfoIsAClearLabError() {
        ToolLocator none = new ToolLocator(Map.of(), "");
        assertThatThrownBy(() -> Programmers.invocation(new Programmer("dfu-util", List.of()), new BootTarget(Map.of("serial", "1")), dir, none))
                .isInstanceOf(LabException.class).hasMessage("dfu-util not found on PATH; see 'testbed doctor'");
        ToolLocator tools = new ToolLocator(Map.of("picotool", dir), "");
        assertThatThrownBy(() -> Programmers.invocation(new Programmer("picotool", List.of()), new BootTarget(Map.of()), dir, tools))
                .hasMessageContaining("no 'bus'");
        assertThatThrownBy(() -> Programmers.invocation(new Programmer("jtag", List.of()), new BootTarget(Map.of()), dir, tools))
                .hasMessageContaining("unknown programmer 'jtag'");
    }

    @Test
    void uf2IsACopyToTheBootloaderDrive() {
        var call = Programmers.invocation(new Programmer("uf2", List.of()), new BootTarget(Map.of("mount", "/media/RPI-RP2")), dir,
                new ToolLocator(Map.of(), ""));
        assertThat(call.copyTo()).isEqualTo(Path.of("/media/RPI-RP2"));
    }
}
