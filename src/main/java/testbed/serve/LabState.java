package testbed.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import testbed.history.History;
import testbed.session.DisabledTentacles;

/**
 * Each tentacle as a lab engineer asks about it: what it is, the firmware it carries, what it does now and its recent
 * record. "Now" comes from the results folder (the running sessions' progress, the newest session that used it), a
 * lease of the queue and the tentacles taken out by hand; the record from the history.
 */
final class LabState {

    /** A tentacle of the inventory: {@code host} is empty on a one-host lab. */
    record Board(String host, String label, String serial, String board) {}

    /** A lease the queue holds now. */
    record Lease(String serial, String testid, String since) {}

    /**
     * @param state free, running, quarantined, offline or disabled
     * @param detail the state in words (what runs, the quarantine's reason, who took it out and why)
     * @param link a page of the app about it (the session running, the attempt that quarantined it); empty for none
     */
    record Row(String host, String label, String serial, String board, String firmware, String state, String detail, String since, String link,
            String record) {}

    private LabState() {}

    static List<Row> rows(List<Board> boards, List<ResultsIndex.Entry> sessions, ResultsIndex index, Map<String, DisabledTentacles.Disabled> disabled,
            List<Lease> leases, Map<String, History.TentacleRecord> records) {
        List<Row> out = new ArrayList<>();
        for (Board b : boards) {
            String firmware = "";
            String state = "free";
            String detail = "";
            String since = "";
            String link = "";
            for (ResultsIndex.Entry s : sessions) {
                String fw = s.summary().path("firmware_versions").path(b.label()).asText("");
                if (!fw.isEmpty()) {
                    firmware = fw;
                    break;
                }
            }
            DisabledTentacles.Disabled off = disabled.get(b.serial());
            Optional<Lease> lease = leases.stream().filter(l -> l.serial().equals(b.serial())).findFirst();
            Optional<String[]> running = running(b, sessions);
            if (off != null) {
                state = "disabled";
                detail = off.describe();
                since = off.at();
            } else if (lease.isPresent()) {
                state = "running";
                detail = "running " + lease.get().testid();
                since = lease.get().since();
            } else if (running.isPresent()) {
                state = "running";
                detail = "running " + running.get()[0];
                since = running.get()[1];
                link = "/session?path=" + running.get()[2];
            } else {
                Optional<ResultsIndex.Entry> last = sessions.stream().filter(s -> used(s, b)).findFirst();
                if (last.isPresent() && contains(last.get().summary().path("quarantined"), b.serial())) {
                    state = "quarantined";
                    String[] why = quarantineReason(index, last.get(), b);
                    detail = "quarantined: " + why[0];
                    since = last.get().summary().path("time_end").asText(last.get().timeStart());
                    link = why[1];
                } else if (last.isPresent() && offline(last.get(), b)) {
                    state = "offline";
                    detail = "offline: unplugged during session " + last.get().id() + " and not back";
                    since = last.get().summary().path("time_end").asText(last.get().timeStart());
                    link = "/session?path=" + last.get().path();
                }
            }
            History.TentacleRecord r = records.get(b.label());
            String record = r == null ? "" : String.format(Locale.ROOT, "%.0f %% of %d runs passed; %d infrastructure errors, %d flash failures",
                    100 * r.passRate(), r.runs(), r.errors(), r.flashFailures());
            out.add(new Row(b.host(), b.label(), b.serial(), b.board(), firmware, state, detail, since, link, record));
        }
        return out;
    }

    /** The run under way on this tentacle in a running session: test id, since when, the session's path. */
    private static Optional<String[]> running(Board b, List<ResultsIndex.Entry> sessions) {
        for (ResultsIndex.Entry s : sessions) {
            if (!s.running() || s.progress().isEmpty()) {
                continue;
            }
            for (JsonNode run : s.progress().get().path("running")) {
                if (contains(run.path("tentacles"), b.label())) {
                    return Optional.of(new String[] {run.path("testid").asText(), run.path("since").asText(), s.path()});
                }
            }
        }
        return Optional.empty();
    }

    private static boolean used(ResultsIndex.Entry s, Board b) {
        return s.summary().path("firmware_versions").has(b.label()) || contains(s.summary().path("quarantined"), b.serial()) || offline(s, b);
    }

    private static boolean offline(ResultsIndex.Entry s, Board b) {
        for (JsonNode l : s.summary().path("leftovers")) {
            if (l.path("reason").asText().equals("OFFLINE") && l.path("spec").asText().isEmpty() && l.path("item").asText().equals(b.label())) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** The last attempt on the tentacle that ended in an error or a timeout: its error, and the link to its folder. */
    private static String[] quarantineReason(ResultsIndex index, ResultsIndex.Entry session, Board b) {
        List<JsonNode> runs = index.runs(session);
        for (int i = runs.size() - 1; i >= 0; i--) {
            JsonNode run = runs.get(i);
            if (!contains(run.path("tentacles"), b.label())) {
                continue;
            }
            JsonNode attempts = run.path("attempts");
            for (int j = attempts.size() - 1; j >= 0; j--) {
                String status = attempts.get(j).path("status").asText();
                if (status.equals("error") || status.equals("timeout")) {
                    String dir = attempts.get(j).path("directory").asText();
                    String folder = session.path().isEmpty() ? dir : session.path() + "/" + dir;
                    JsonNode a = index.json(session.dir().resolve(dir).resolve("run.json")).orElse(attempts.get(j));
                    String kind = a.path("error_kind").asText("");
                    return new String[] {(kind.isEmpty() ? status : kind) + ": " + a.path("error").asText("") + " (attempt " + dir + ")",
                        "/results/" + folder};
                }
            }
        }
        return new String[] {"no answer to the health probes", "/session?path=" + session.path()};
    }
}
