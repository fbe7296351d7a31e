package testbed.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import testbed.results.AtomicJson;
import testbed.session.SessionFiles;

/**
 * The sessions kept under a results folder: the latest in the folder itself, older ones under {@code archive/<id>/},
 * a night's rounds under {@code nightly-<date>/<round>/}. Each {@code session.json} is parsed once and again only when
 * it changed, so a year of nights costs a directory walk per request, not a year of parsing.
 */
final class ResultsIndex {

    /**
     * @param path the session's folder relative to the results folder ("" for the folder itself)
     * @param summary its session.json (without the runs)
     * @param progress its progress.json while it runs; empty otherwise
     */
    record Entry(String path, Path dir, JsonNode summary, Optional<JsonNode> progress) {
        String id() {
            return summary.path("session_id").asText();
        }

        String status() {
            return summary.path("status").asText();
        }

        boolean running() {
            return status().equals("running");
        }

        String timeStart() {
            return summary.path("time_start").asText();
        }
    }

    private record Cached(FileTime modified, JsonNode json) {}

    private final Path root;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    ResultsIndex(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** Every session, newest first. */
    List<Entry> sessions() {
        List<Entry> out = new ArrayList<>();
        for (Path dir : candidates()) {
            json(dir.resolve(SessionFiles.SUMMARY)).ifPresent(s -> {
                Optional<JsonNode> progress = s.path("status").asText().equals("running") ? json(dir.resolve(SessionFiles.PROGRESS)) : Optional.empty();
                String rel = root.relativize(dir).toString().replace('\\', '/');
                out.add(new Entry(rel, dir, s, progress));
            });
        }
        out.sort(Comparator.comparing(Entry::timeStart).reversed());
        return out;
    }

    Optional<Entry> session(String path) {
        return sessions().stream().filter(e -> e.path().equals(path)).findFirst();
    }

    /** The results folder and its folders two levels down that are not attempt folders ({@code <testid>,<letter>}). */
    private List<Path> candidates() {
        List<Path> out = new ArrayList<>(List.of(root));
        for (Path child : folders(root)) {
            out.add(child);
            out.addAll(folders(child));
        }
        return out;
    }

    private static List<Path> folders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String name = p.getFileName().toString();
                return !name.contains(",") && !name.startsWith(".") && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            }).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /** A JSON file as of its last change; empty when absent or unreadable (a session rewriting it right now). */
    Optional<JsonNode> json(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Cached c = cache.get(file);
            if (c != null && c.modified().equals(modified)) {
                return Optional.of(c.json());
            }
            JsonNode node = AtomicJson.MAPPER.readTree(file.toFile());
            cache.put(file, new Cached(modified, node));
            return Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The attempts of a session from its runs.jsonl lines (each run with its attempt folders), oldest first. */
    List<JsonNode> runs(Entry session) {
        Path lines = session.dir().resolve(SessionFiles.RUNS);
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(lines)) {
                if (!line.isBlank()) {
                    out.add(AtomicJson.MAPPER.readTree(line));
                }
            }
        } catch (IOException e) {
            // no run finished yet
        }
        return out;
    }
}
