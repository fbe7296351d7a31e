package testbed.bartender;

import java.util.HashSet;
import java.util.Set;
import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.model.TestRunSpec;

/**
 * One unit of work still to do: a spec on a kind of tentacle (its tag), in one variant and role. Identical tentacles
 * share it; it is consumed when a run starts and put back only after an infrastructure error.
 *
 * @param failedOn serials where this item hit an infrastructure error; another identical tentacle is preferred
 */
public record WorkItem(TestRunSpec spec, String kind, String board, String variant, Role role, int requeues, Set<String> failedOn) {

    public WorkItem {
        failedOn = Set.copyOf(failedOn);
    }

    public BoardVariant boardVariant() {
        return new BoardVariant(board, variant);
    }

    WorkItem requeuedAfterFailureOn(String serial) {
        Set<String> failed = new HashSet<>(failedOn);
        failed.add(serial);
        return new WorkItem(spec, kind, board, variant, role, requeues + 1, failed);
    }

    /** e.g. {@code RPI_PICO2-RISCV} or {@code RPI_PICO_W-instance1}, as used in leftovers. */
    public String describe() {
        String bv = kind.equals(board) ? boardVariant().name() : kind + (variant.isEmpty() ? "" : "-" + variant);
        return bv + role.testidSuffix();
    }
}
