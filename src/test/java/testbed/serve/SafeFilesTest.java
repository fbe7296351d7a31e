package testbed.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the browser view may show of results/, and how a test's output is put side by side. */
class SafeFilesTest {

    @TempDir
    Path dir;

    @Test
    void onlyPlainPathsInsideTheResultsFolderAreFound() throws Exception {
        Path results = Files.createDirectories(dir.resolve("results/RUN@1e01-RPI_PICO,a"));
        Files.writeString(results.resolve("run.json"), "{}");
        Files.writeString(Files.createDirectories(dir.resolve("outside")).resolve("secret.txt"), "no");
        Files.createSymbolicLink(dir.resolve("results/out"), dir.resolve("outside"));
        Files.createSymbolicLink(dir.resolve("results/in"), results);
        SafeFiles files = new SafeFiles(dir.resolve("results"));

        assertThat(files.resolve("RUN@1e01-RPI_PICO,a/run.json")).isPresent();
        assertThat(files.resolve("")).isPresent();
        assertThat(files.resolve("in/run.json")).as("a link that stays inside").isPresent();
        for (String bad : List.of("../outside/secret.txt", "out/secret.txt", "out", "/etc/passwd", "RUN@1e01-RPI_PICO,a/../../outside/secret.txt",
                "./RUN@1e01-RPI_PICO,a/run.json", "RUN@1e01-RPI_PICO,a\\run.json", "C:/x", "missing.txt", "a\0b")) {
            assertThat(files.resolve(bad)).as(bad).isEmpty();
        }
        assertThat(SafeFiles.contentType(Path.of("x.out"))).startsWith("text/plain");
        assertThat(SafeFiles.contentType(Path.of("evil.js"))).startsWith("text/plain");
        assertThat(SafeFiles.contentType(Path.of("report.html"))).startsWith("text/html");
    }

    @Test
    void sideBySideEscapesWhatTheBoardPrintedAndMarksWhatDiffers() {
        List<SideBySide.Line> lines = SideBySide.of("a\n<b>\nc\n", "a\n<script>alert(1)</script>\nc\nextra\n");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).kind()).isEqualTo("equal");
        assertThat(lines.get(1).kind()).isEqualTo("change");
        assertThat(lines.get(1).actual()).doesNotContain("<script>").contains("&lt;").contains("<ins>");
        assertThat(lines.get(1).expected()).contains("<del>").contains("&lt;");
        assertThat(lines.get(3).kind()).isEqualTo("insert");
        assertThat(lines.get(3).actual()).contains("extra");
    }
}
