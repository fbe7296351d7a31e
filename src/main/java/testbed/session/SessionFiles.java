package testbed.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import testbed.model.BoardVariant;
import testbed.model.InvalidInputException;
import testbed.model.Role;
import testbed.model.Status;
import testbed.results.AtomicJson;
import testbed.results.AttemptRecord;
import testbed.results.LegacyRecords;
import testbed.results.RecordSink;

/**
 * The session's files in {@code results/}: {@code session.json} is the summary (header, counts, leftovers), rewritten
 * as the session goes; {@code runs.jsonl} gets one line per finished run pointing at its attempts' folders, whose
 * {@code run.json} keeps every test. Bytes written per finished run stay flat however long the session is.
 */
public final class SessionFiles {

    public static final String SUMMARY = "session.json";
    public static final String RUNS = "runs.jsonl";
    /** Where the session stands now (done, total, what runs since when, the ETA): for a live view of the session. */
    public static final String PROGRESS = "progress.json";
    /** The kill switch a running session watches for ({@code testbed stop} writes it). */
    public static final String STOP = "STOP";

    @JsonIgnoreProperties({"runs"})
    private interface WithoutRuns {}

    @JsonIgnoreProperties({"attempts"})
    private interface WithoutAttempts {}

    private static final ObjectMapper SUMMARY_JSON = AtomicJson.MAPPER.copy().addMixIn(SessionRecord.class, WithoutRuns.class);
    private static final ObjectMapper LINE_JSON = new ObjectMapper().addMixIn(SessionRecord.Run.class, WithoutAttempts.class);

    private final RecordSink sink;

    public SessionFiles(RecordSink sink) {
        this.sink = sink;
    }

    /** Rewrites session.json: everything but the runs, plus the runs per status. */
    public void writeSummary(SessionRecord record) {
        ObjectNode tree = SUMMARY_JSON.valueToTree(record);
        tree.set("run_counts", SUMMARY_JSON.valueToTree(record.runCounts()));
        tree.put("runs_file", RUNS);
        try {
            sink.replace(SUMMARY, SUMMARY_JSON.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites progress.json: the console's progress line as data (a browser's live view reads it). */
    public void writeProgress(SessionListener.Progress p, java.time.Instant at) {
        ObjectNode tree = AtomicJson.MAPPER.createObjectNode();
        tree.put("updated", at.toString());
        tree.put("started", p.started());
        tree.put("done", p.done());
        tree.put("total", p.total());
        tree.put("failed", p.failedRuns());
        tree.put("errors", p.errors());
        tree.put("eta_s", p.etaSeconds());
        var running = tree.putArray("running");
        for (testbed.model.TestRun r : p.running()) {
            ObjectNode run = running.addObject();
            run.put("testid", r.testid());
            run.put("since", r.startedAt().toString());
            var tentacles = run.putArray("tentacles");
            r.tentacles().forEach(t -> tentacles.add(t.label()));
        }
        try {
            sink.replace(PROGRESS, AtomicJson.MAPPER.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends a finished run to runs.jsonl: its fields and, per attempt, the letter, folder, status and counts. */
    /**
     * A resumed session's runs that ended just before the kill (their run.json is final, their line never reached
     * runs.jsonl) get their line now, so the resumed session's journal has every run it keeps.
     */
    public static void journalOrphans(Path dir, SessionFiles files, List<SessionRecord.Run> runs) {
        Set<String> journaled = new HashSet<>();
        Path lines = dir.resolve(RUNS);
        try {
            if (Files.isRegularFile(lines)) {
                for (String l : Files.readAllLines(lines, StandardCharsets.UTF_8)) {
                    if (!l.isBlank()) {
                        AtomicJson.MAPPER.readTree(l).path("attempts").forEach(ref -> journaled.add(ref.path("directory").asText()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + lines + ": " + e.getMessage(), e);
        }
        for (SessionRecord.Run run : runs) {
            if (run.status() != Status.NEVER_FINISHED && !run.attempts().isEmpty()
                    && run.attempts().stream().noneMatch(a -> journaled.contains(a.directory()))) {
                files.appendRun(run);
            }
        }
    }

    public void appendRun(SessionRecord.Run run) {
        ObjectNode line = LINE_JSON.valueToTree(run);
        ArrayNode attempts = line.putArray("attempts");
        for (AttemptRecord a : run.attempts()) {
            ObjectNode ref = attempts.addObject();
            ref.put("attempt", a.attempt());
            ref.put("directory", a.directory());
            ref.put("status", a.status().label());
            ref.set("counts", LINE_JSON.valueToTree(a.counts()));
        }
        try {
            sink.append(RUNS, (LINE_JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a session back from its folder: the summary, every run of runs.jsonl with its attempts' run.json, and the
     * attempts a killed session left as "never finished" (they never reached runs.jsonl).
     */
    public static SessionRecord read(Path dir) {
        Path file = dir.resolve(SUMMARY);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file + ": no such session record");
        }
        try {
            ObjectNode tree = (ObjectNode) AtomicJson.MAPPER.readTree(file.toFile());
            tree.remove("run_counts");
            tree.remove("runs_file");
            tree.putArray("runs");
            SessionRecord summary = AtomicJson.MAPPER.treeToValue(tree, SessionRecord.class);
            List<SessionRecord.Run> runs = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Path lines = dir.resolve(RUNS);
            if (Files.isRegularFile(lines)) {
                for (String l : Files.readAllLines(lines, StandardCharsets.UTF_8)) {
                    if (l.isBlank()) {
                        continue;
                    }
                    runs.add(run(dir, AtomicJson.MAPPER.readTree(l), seen));
                }
            }
            runs.addAll(unfinished(dir, seen));
            return summary.withRuns(runs);
        } catch (JacksonException e) {
            throw new InvalidInputException(file + ": not a session record: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    private static SessionRecord.Run run(Path dir, JsonNode line, Set<String> seen) throws IOException {
        List<AttemptRecord> attempts = new ArrayList<>();
        for (JsonNode ref : line.path("attempts")) {
            String d = ref.path("directory").asText();
            seen.add(d);
            attempts.add(AtomicJson.MAPPER.readValue(dir.resolve(d).resolve("run.json").toFile(), AttemptRecord.class));
        }
        String testid = line.path("testid").asText();
        List<String> tentacles = AtomicJson.MAPPER.convertValue(line.path("tentacles"),
                new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
        // A line from before runs carried their kind, role and board-variant: its "variant" was the board-variant.
        String kind = line.hasNonNull("kind") ? line.get("kind").asText()
                : attempts.isEmpty() ? LegacyRecords.kindOfLabel(tentacles.isEmpty() ? "" : tentacles.get(0)) : attempts.get(0).kind();
        BoardVariant bv = BoardVariant.parse(line.hasNonNull("board_variant") ? line.get("board_variant").asText() : line.path("variant").asText());
        Role role = line.hasNonNull("role") ? Role.of(line.get("role").asText()) : LegacyRecords.roleOfTestid(testid);
        return new SessionRecord.Run(testid, line.path("testgroup").asText(), kind, bv, role, tentacles, Status.of(line.path("status").asText()),
                line.path("time_start").asText(), line.path("duration_s").asDouble(), attempts);
    }

    /**
     * Attempt folders no line points at: a run still going when the session was killed ("never finished"), or one
     * that ended just before (its run.json is final, its line was never appended). Attempts of one run (a, b, ...)
     * make one run.
     */
    private static List<SessionRecord.Run> unfinished(Path dir, Set<String> seen) throws IOException {
        java.util.Map<String, List<AttemptRecord>> byTestid = new java.util.LinkedHashMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path d : entries.filter(p -> p.getFileName().toString().contains(",") && Files.isRegularFile(p.resolve("run.json"))).sorted().toList()) {
                if (!seen.contains(d.getFileName().toString())) {
                    AttemptRecord a = AtomicJson.MAPPER.readValue(d.resolve("run.json").toFile(), AttemptRecord.class);
                    byTestid.computeIfAbsent(a.testid(), k -> new ArrayList<>()).add(a);
                }
            }
        }
        List<SessionRecord.Run> runs = new ArrayList<>();
        byTestid.forEach((testid, all) -> {
            // A never-finished attempt is the last of its run: attempts a (cut), b (cut) are two runs, each cut off once.
            List<AttemptRecord> attempts = new ArrayList<>();
            for (AttemptRecord a : all) {
                attempts.add(a);
                if (a.status() == Status.NEVER_FINISHED) {
                    runs.add(unfinishedRun(testid, attempts));
                    attempts = new ArrayList<>();
                }
            }
            if (!attempts.isEmpty()) {
                runs.add(unfinishedRun(testid, attempts));
            }
        });
        return runs;
    }

    private static SessionRecord.Run unfinishedRun(String testid, List<AttemptRecord> attempts) {
        AttemptRecord first = attempts.get(0);
        AttemptRecord last = attempts.get(attempts.size() - 1);
        List<String> tentacles = first.reference().isEmpty() ? List.of(first.tentacle()) : List.of(first.tentacle(), first.reference());
        if (last.status() == Status.NEVER_FINISHED) {
            // The attempts before it ended; the run as a whole never did.
            return new SessionRecord.Run(testid, first.testGroup(), first.kind(), first.boardVariant(), first.role(), tentacles, Status.NEVER_FINISHED,
                    first.timeStart(), 0, List.of());
        }
        return new SessionRecord.Run(testid, first.testGroup(), first.kind(), first.boardVariant(), first.role(), tentacles, last.status(),
                first.timeStart(), attempts.stream().mapToDouble(AttemptRecord::durationSeconds).sum(), attempts);
    }
}
