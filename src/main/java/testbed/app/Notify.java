package testbed.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import testbed.process.ToolRunner;
import testbed.results.AtomicJson;

/**
 * {@code --notify CMD}: at the end of a session, runs a shell command with the path of {@code summary.json} as its
 * last argument (mail, chat, a ticket), when something changed since the last comparable session or a board needs
 * attention, or always with {@code --notify-always}.
 */
public final class Notify {

    public record Sent(boolean ran, String why) {}

    private Notify() {}

    public static Sent after(Path resultsDir, String command, boolean always) {
        Path summary = resultsDir.resolve("summary.json");
        boolean changed;
        try {
            changed = Files.isRegularFile(summary) && AtomicJson.MAPPER.readTree(summary.toFile()).path("changes").path("anything").asBoolean();
        } catch (IOException e) {
            changed = true; // unreadable: better to tell someone
        }
        if (!changed && !always) {
            return new Sent(false, "nothing changed");
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            ToolRunner.Result r = ToolRunner.run(List.of("/bin/sh", "-c", command + " \"$@\"", "testbed-notify", summary.toString()), resultsDir,
                    Map.of(), Duration.ofMinutes(2), log);
            Files.write(resultsDir.resolve("notify.txt"), log.toByteArray());
            return new Sent(true, r.exitCode() == 0 ? "sent" : "the command exited " + r.exitCode() + " (see notify.txt)");
        } catch (IOException e) {
            return new Sent(false, "cannot run: " + e.getMessage());
        }
    }
}
