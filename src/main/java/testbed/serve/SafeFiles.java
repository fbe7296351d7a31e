package testbed.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The results folder as the app may show it: a path from a request is a relative path of plain names inside it, never
 * {@code ..}, an absolute path, a backslash, or a symlink whose target lies outside. Anything else is "not found".
 */
final class SafeFiles {

    private final Path root;

    SafeFiles(Path root) {
        Path r = root.toAbsolutePath().normalize();
        try {
            r = r.toRealPath();
        } catch (IOException e) {
            // not there yet: nothing under it is found until it is
        }
        this.root = r;
    }

    Path root() {
        return root;
    }

    /** The file or folder {@code relative} names inside the results folder, after following links; empty when it leaves it. */
    Optional<Path> resolve(String relative) {
        String rel = relative == null ? "" : relative;
        if (rel.indexOf('\0') >= 0 || rel.startsWith("/") || rel.contains("\\") || rel.matches("^[A-Za-z]:.*")) {
            return Optional.empty();
        }
        for (String segment : rel.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.empty();
            }
        }
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root) || !Files.exists(p)) {
            return Optional.empty();
        }
        try {
            Path real = p.toRealPath();
            return real.startsWith(root) ? Optional.of(real) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A path inside the results folder as the app's links name it. */
    String relative(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /**
     * What a raw file is served as. HTML reports and images keep their type (the response also forbids scripts, see
     * {@link WebApp}); everything else is plain text, so a board's output or a crafted file is never run by the browser.
     */
    static String contentType(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".png")) {
            return "image/png";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "text/plain; charset=utf-8";
    }
}
