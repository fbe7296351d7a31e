package testbed.serve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.history.History;
import testbed.model.Tentacle;
import testbed.queue.LabStatus;
import testbed.queue.QueueDb;
import testbed.queue.QueueDisabled;
import testbed.session.DisabledTentacles;

/**
 * Where the lab page's facts live: the lab file or the queue (the tentacles, the leases held now, who took a tentacle
 * out), the results folder (what runs) and the history (each tentacle's record, refreshed every 30 s: it changes
 * only as runs end).
 */
final class LabSources implements AutoCloseable {

    private static final long RECORDS_MAX_AGE_NANOS = 30_000_000_000L;

    private final ServeConfig config;
    private final ResultsIndex index;
    private final Optional<History> history;
    private final Optional<QueueDb> queue;
    private Map<String, History.TentacleRecord> records = Map.of();
    private long recordsAt;

    LabSources(ServeConfig config, ResultsIndex index, Optional<History> history) {
        this.config = config;
        this.index = index;
        this.history = history;
        this.queue = config.queue().map(url -> QueueDb.open(url, config.settings()));
    }

    boolean multiHost() {
        return queue.isPresent();
    }

    synchronized List<LabState.Row> rows() {
        List<LabState.Board> boards = new ArrayList<>();
        List<LabState.Lease> leases = new ArrayList<>();
        Map<String, DisabledTentacles.Disabled> disabled = new HashMap<>();
        if (queue.isPresent()) {
            LabStatus.Status status = LabStatus.read(queue.get());
            for (LabStatus.TentacleRow t : status.tentacles()) {
                boards.add(new LabState.Board(t.host(), t.label(), t.serial(), t.board()));
                if (!t.lease().isEmpty()) {
                    leases.add(new LabState.Lease(t.serial(), t.lease(), t.leaseSince()));
                }
            }
            try {
                disabled.putAll(QueueDisabled.of(queue.get()));
            } catch (java.sql.SQLException e) {
                throw new testbed.model.LabException("queue " + queue.get().url() + ": " + QueueDb.firstLine(e.getMessage()), e);
            }
        } else {
            for (Tentacle t : config.tentacles()) {
                boards.add(new LabState.Board("", t.label(), t.serial(), t.boardAndVariants()));
            }
            disabled.putAll(DisabledTentacles.of(config.stateDir(), config.lab()));
        }
        return LabState.rows(boards, index.sessions(), index, disabled, leases, records());
    }

    private Map<String, History.TentacleRecord> records() {
        if (history.isPresent() && (recordsAt == 0 || System.nanoTime() - recordsAt > RECORDS_MAX_AGE_NANOS)) {
            Map<String, History.TentacleRecord> m = new HashMap<>();
            history.get().tentacles(30).forEach(r -> m.put(r.tentacle(), r));
            records = m;
            recordsAt = System.nanoTime();
        }
        return records;
    }

    @Override
    public void close() {
        queue.ifPresent(QueueDb::close);
    }
}
