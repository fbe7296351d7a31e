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

    /** Requeued after an infrastructure error on these tentacles (the DUT's, or the reference's): both are avoided next. */
    WorkItem requeuedAfterFailureOn(Set<String> serials) {
        Set<String> failed = new HashSet<>(failedOn);
        failed.addAll(serials);
        return new WorkItem(spec, kind, board, variant, role, requeues + 1, failed);
    }

    /** The item however often it was requeued: its spec and what it runs on. */
    public String key() {
        return spec.label() + " " + describe();
    }

    /** The key of the item a recorded run did (for a resumed session): group, tentacle kind, board, variant, role. */
    public static String keyOf(String label, String kind, String board, String variant, testbed.model.Role role) {
        String bv = kind.equals(board) ? new BoardVariant(board, variant).name() : kind + (variant.isEmpty() ? "" : "-" + variant);
        return label + " " + bv + role.testidSuffix();
    }

    /** e.g. {@code RPI_PICO2-RISCV} or {@code RPI_PICO_W-instance1}, as used in leftovers. */
    public String describe() {
        String bv = kind.equals(board) ? boardVariant().name() : kind + (variant.isEmpty() ? "" : "-" + variant);
        return bv + role.testidSuffix();
    }
}
