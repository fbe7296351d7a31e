package testbed.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Comparator;
import java.util.Objects;

/**
 * One unit of work, however often it was tried: a test group on a kind of tentacle (its tag) in one board-variant and
 * role. The bartender's open work, a resumed session's "done before", the duration estimates and the history's
 * per-kind statistics all use this one key.
 */
public record WorkKey(String testgroup, String kind, @JsonProperty("board_variant") BoardVariant boardVariant, Role role)
        implements Comparable<WorkKey> {

    private static final Comparator<WorkKey> ORDER = Comparator.comparing(WorkKey::testgroup).thenComparing(WorkKey::kind)
            .thenComparing(WorkKey::boardVariant).thenComparing(WorkKey::role);

    public WorkKey {
        Objects.requireNonNull(testgroup, "testgroup");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(boardVariant, "boardVariant");
        Objects.requireNonNull(role, "role");
    }

    /** The same work on the same kind, whatever the variant and role: what a duration estimate falls back to. */
    public WorkKey anyVariant() {
        return new WorkKey(testgroup, kind, new BoardVariant(boardVariant.board(), ""), Role.SINGLE);
    }

    /**
     * e.g. {@code RPI_PICO2-RISCV} or {@code RPI_PICO_W-instance1}, as leftovers name the work: the kind where it is
     * not the MicroPython board (a LOLIN_D1_MINI carries ESP8266_GENERIC), the variant, the role.
     */
    public String describe() {
        String bv = kind.equals(boardVariant.board()) ? boardVariant.name()
                : kind + (boardVariant.isDefaultVariant() ? "" : "-" + boardVariant.variant());
        return bv + role.testidSuffix();
    }

    @Override
    public int compareTo(WorkKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return testgroup + " " + describe();
    }
}
