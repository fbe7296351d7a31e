package testbed.queue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.model.LabException;

/**
 * What an agent takes from the database, and what it never does: a session's settings are data written by whoever can
 * write the queue, so an agent runs only its own test groups, a runner command only when its operator started it with
 * {@code --allow-commands}, and a MicroPython source only from its own allow-list ({@code --allow-source}).
 *
 * @param allowedSources git remotes (any ref of them) and folders (any file or folder under them) this agent may use
 */
public record AgentTrust(boolean allowCommands, List<String> allowedSources) {

    public static final AgentTrust STRICT = new AgentTrust(false, List.of());

    public AgentTrust {
        allowedSources = List.copyOf(allowedSources);
    }

    /** @throws LabException naming the session, what it asked for and the option that would allow it */
    void check(Wire.SessionSettings s, String host) {
        Map<String, String> commands = s.commands() == null ? Map.of() : s.commands();
        if (!commands.isEmpty() && !allowCommands) {
            String label = commands.keySet().iterator().next();
            throw new LabException("session " + s.session() + " replaces the runner of " + label + " with a command; agent " + host
                    + " runs commands only when started with --allow-commands: refused");
        }
        if (s.micropythonOrigin() != null && !allows(s.micropythonOrigin())) {
            throw new LabException("session " + s.session() + " asks for MicroPython source '" + s.micropythonOrigin() + "', which is not in agent "
                    + host + "'s --allow-source list " + allowedSources + ": refused");
        }
        if (s.micropythonTests() != null && !s.micropythonHasRoot() && !allows(s.micropythonTests())) {
            throw new LabException("session " + s.session() + " asks for tests folder '" + s.micropythonTests() + "', which is not in agent " + host
                    + "'s --allow-source list " + allowedSources + ": refused");
        }
    }

    /** A remote (URL@REF: the URL) equal to an allowed one, or a path at or under an allowed folder (after resolving {@code ..}). */
    boolean allows(String origin) {
        if (origin.startsWith("-")) {
            return false;
        }
        Optional<String> remote = remoteOf(origin);
        for (String allowed : allowedSources) {
            if (remote.isPresent()) {
                if (trimmed(remote.get()).equals(trimmed(allowed))) {
                    return true;
                }
            } else if (remoteOf(allowed + "@x").isEmpty() && path(origin).startsWith(path(allowed))) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> remoteOf(String source) {
        int at = source.lastIndexOf('@');
        if (at <= 0) {
            return Optional.empty();
        }
        String remote = source.substring(0, at);
        return remote.contains("://") || remote.matches("[^/@]+@[^:/]+:.*") ? Optional.of(remote) : Optional.empty();
    }

    private static String trimmed(String remote) {
        String r = remote.endsWith("/") ? remote.substring(0, remote.length() - 1) : remote;
        return r.endsWith(".git") ? r.substring(0, r.length() - 4) : r;
    }

    private static Path path(String p) {
        return Path.of(p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p).toAbsolutePath().normalize();
    }
}
