package testbed.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import testbed.config.Workspace;

/** Runs the CLI in-process, as a user would type it, and captures what it prints. */
public final class Cli {

    public record Result(int exitCode, String out, String err) {}

    private Cli() {}

    public static Result run(Workspace workspace, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Testbed.run(workspace, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * A writable copy of the checkout's data folders (specs, labs, firmware) in {@code dir}, with its own state
     * folder (virtual boards' flash) so a test never sees what another test or the user flashed.
     */
    public static Workspace copyOfCheckout(Path dir) {
        Path home = Path.of("").toAbsolutePath();
        for (String folder : new String[] {"testrunspecs", "labs", "firmware"}) {
            copyTree(home.resolve(folder), dir.resolve(folder));
        }
        return testbed.TestWorkspaces.at(dir, dir);
    }

    public static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
