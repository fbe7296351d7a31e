package testbed.serve;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import testbed.config.Settings;
import testbed.model.InvalidInputException;
import testbed.model.Tentacle;

/**
 * What {@code testbed serve} shows and where it listens.
 *
 * @param tentacles the lab's tentacles from its lab file (empty with a queue: the agents' registrations are the lab)
 * @param token required on every request; must be given when {@code bind} is not a loopback address
 */
public record ServeConfig(Path results, Optional<String> history, Optional<String> queue, String lab, List<Tentacle> tentacles, Path stateDir,
        Settings settings, String bind, int port, Optional<String> token) {

    public ServeConfig {
        tentacles = List.copyOf(tentacles);
        if (token.isEmpty() && !loopback(bind)) {
            throw new InvalidInputException("--bind " + bind + ": another machine could reach it; give --token TOKEN (or --token-file FILE), "
                    + "which every request must then carry");
        }
        if (token.isPresent() && token.get().length() < 16) {
            throw new InvalidInputException("--token: at least 16 characters (it is all that guards the lab's results)");
        }
    }

    static boolean loopback(String address) {
        return address.equals("127.0.0.1") || address.equals("localhost") || address.equals("::1") || address.startsWith("127.");
    }
}
