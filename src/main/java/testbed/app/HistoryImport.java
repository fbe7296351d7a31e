package testbed.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import testbed.history.JdbcHistory;
import testbed.model.InvalidInputException;
import testbed.session.HistoryStatus;
import testbed.session.SessionFiles;
import testbed.session.SessionRecord;

/**
 * Replays sessions the history lacks from their results folders ({@code session.json}, {@code runs.jsonl}, every
 * {@code run.json}): {@code testbed history import DIR}, and automatically at the next session for a folder left with
 * a {@value HistoryStatus#PENDING_FILE}. Idempotent: a session recorded twice has its rows once.
 */
public final class HistoryImport {

    public record Imported(Path dir, String sessionId, int runs) {}

    private HistoryImport() {}

    /** Imports each folder (a session's results, or a results root with archive/ below it: every session in it). */
    public static List<Imported> importAll(JdbcHistory history, List<Path> dirs) {
        List<Imported> done = new ArrayList<>();
        for (Path dir : dirs) {
            List<Path> sessions = sessionsUnder(dir);
            if (sessions.isEmpty()) {
                throw new InvalidInputException(dir + ": no " + SessionFiles.SUMMARY + " here or in " + dir.resolve("archive"));
            }
            for (Path s : sessions) {
                done.add(importOne(history, s));
            }
        }
        return done;
    }

    /** Folders under {@code root} (itself and archive/*) whose session the history was left without. */
    public static List<Imported> catchUp(JdbcHistory history, Path root) {
        List<Imported> done = new ArrayList<>();
        for (Path s : sessionsUnder(root)) {
            if (Files.isRegularFile(s.resolve(HistoryStatus.PENDING_FILE))) {
                done.add(importOne(history, s));
            }
        }
        return done;
    }

    private static Imported importOne(JdbcHistory history, Path dir) {
        SessionRecord record = SessionFiles.read(dir);
        history.record(record);
        try {
            Files.deleteIfExists(dir.resolve(HistoryStatus.PENDING_FILE));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot remove " + dir.resolve(HistoryStatus.PENDING_FILE) + ": " + e.getMessage(), e);
        }
        return new Imported(dir, record.sessionId(), record.runs().size());
    }

    private static List<Path> sessionsUnder(Path dir) {
        List<Path> sessions = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve(SessionFiles.SUMMARY))) {
            sessions.add(dir);
        }
        Path archive = dir.resolve("archive");
        if (Files.isDirectory(archive)) {
            try (Stream<Path> entries = Files.list(archive)) {
                entries.filter(p -> Files.isRegularFile(p.resolve(SessionFiles.SUMMARY))).sorted().forEach(sessions::add);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot list " + archive + ": " + e.getMessage(), e);
            }
        }
        return sessions;
    }
}
