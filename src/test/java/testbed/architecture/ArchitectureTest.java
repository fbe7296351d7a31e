package testbed.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the layering honest: the scheduler stays pure and nothing depends on the CLI. */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/testbed");

    private static List<Path> sources(String pkg) throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    @Test
    void theSchedulerDoesNoIoNoThreadsAndReadsNoClockOfItsOwn() throws IOException {
        List<String> forbidden = List.of("import java.io", "import java.nio", "import java.net", "Thread", "Executor",
                "System.currentTimeMillis", "System.nanoTime", "Instant.now", "Clock.system", "import com.fazecast", "import org.apache");
        for (Path file : sources("bartender")) {
            String text = Files.readString(file);
            for (String f : forbidden) {
                assertThat(text).as(file + " must not use " + f).doesNotContain(f);
            }
        }
    }

    @Test
    void nothingOutsideTheCliImportsIt() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(MAIN.resolve("cli")))
                    .forEach(p -> {
                        try {
                            assertThat(Files.readString(p)).as(p.toString()).doesNotContain("import testbed.cli");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
        }
    }

    @Test
    void theModelDependsOnNothingElseOfTestbed() throws IOException {
        for (Path file : sources("model")) {
            assertThat(Files.readString(file).lines().filter(l -> l.startsWith("import testbed."))).as(file.toString())
                    .allMatch(l -> l.startsWith("import testbed.model."));
        }
    }
}
