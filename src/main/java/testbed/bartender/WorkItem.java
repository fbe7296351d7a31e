package testbed.bartender;

import java.util.HashSet;
import java.util.Set;
import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.model.TestRunSpec;
import testbed.model.WorkKey;

/**
 * One unit of work still to do: a spec on a kind of tentacle (its tag), in one variant and role. Identical tentacles
 * share it; it is consumed when a run starts and put back only after an infrastructure error.
 *
 * @param key the item however often it was requeued: its group, kind, board-variant and role
 * @param failedOn serials where this item hit an infrastructure error; another identical tentacle is preferred
 */
public record WorkItem(TestRunSpec spec, WorkKey key, int requeues, Set<String> failedOn) {

    public WorkItem {
        failedOn = Set.copyOf(failedOn);
    }

    public String kind() {
        return key.kind();
    }

    public String variant() {
        return key.boardVariant().variant();
    }

    public Role role() {
        return key.role();
    }

    public BoardVariant boardVariant() {
        return key.boardVariant();
    }

    /** Requeued after an infrastructure error on these tentacles (the DUT's, or the reference's): both are avoided next. */
    WorkItem requeuedAfterFailureOn(Set<String> serials) {
        Set<String> failed = new HashSet<>(failedOn);
        failed.addAll(serials);
        return new WorkItem(spec, key, requeues + 1, failed);
    }

    /** e.g. {@code RPI_PICO2-RISCV} or {@code RPI_PICO_W-instance1}, as used in leftovers. */
    public String describe() {
        return key.describe();
    }
}
