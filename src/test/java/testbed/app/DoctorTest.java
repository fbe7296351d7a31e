package testbed.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.lab.SysfsUsb;

/** Host settings a real USB lab needs, read from a fake sysfs tree. */
class DoctorTest {

    @TempDir
    Path root;

    private SysfsUsb sysfs(String autosuspend) throws Exception {
        if (autosuspend != null) {
            Path f = root.resolve("sys/module/usbcore/parameters/autosuspend");
            Files.createDirectories(f.getParent());
            Files.writeString(f, autosuspend + "\n");
        }
        return new SysfsUsb(root.resolve("sys"), root.resolve("dev"));
    }

    @Test
    void usbAutosuspendOnIsAWarningThatSaysHowToTurnItOff() throws Exception {
        Doctor.Check on = Doctor.usbAutosuspend(sysfs("2"));
        assertThat(on.status()).isEqualTo(Doctor.Status.WARN);
        assertThat(on.detail()).contains("after 2 s idle").contains("echo -1 | sudo tee /sys/module/usbcore/parameters/autosuspend")
                .contains("usbcore.autosuspend=-1");
    }

    @Test
    void usbAutosuspendOffIsFineAndAKernelThatDoesNotSayIsSaid() throws Exception {
        assertThat(Doctor.usbAutosuspend(sysfs("-1")).status()).isEqualTo(Doctor.Status.OK);
        Doctor.Check unknown = Doctor.usbAutosuspend(new SysfsUsb(root.resolve("nowhere"), root.resolve("dev")));
        assertThat(unknown.status()).isEqualTo(Doctor.Status.WARN);
        assertThat(unknown.detail()).contains("does not say");
    }
}
