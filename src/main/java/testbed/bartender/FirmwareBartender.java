package testbed.bartender;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.model.BoardVariant;
import testbed.model.Firmware;

/**
 * Decides which firmware is ready and which to build next. Prebuilt images are ready at once; images with a build
 * command are built one at a time in the background: the reference board first (every reference test waits for
 * it), then the firmware whose waiting work would keep the most tentacle time busy.
 *
 * <p>Pure, like the TestBartender: the caller runs the builds and reports back.
 */
public final class FirmwareBartender {

    private final Map<BoardVariant, Firmware> catalog;
    private final Set<String> referenceBoards;
    private final Set<BoardVariant> toBuild = new HashSet<>();
    private final List<BoardVariant> ready = new ArrayList<>();
    private final SchedulingPolicy policy;
    private BoardVariant building;
    private Comparator<BoardVariant> anchorOrder;

    /**
     * @param needed the firmwares the selected work needs
     * @param catalog every firmware found in {@code firmware/}
     */
    public FirmwareBartender(Set<BoardVariant> needed, Map<BoardVariant, Firmware> catalog, Set<String> referenceBoards) {
        this(needed, catalog, referenceBoards, SchedulingPolicy.TESTBED);
    }

    /** @param policy {@link SchedulingPolicy#ANCHOR} replays the anchor's fixed build order, for comparison */
    public FirmwareBartender(Set<BoardVariant> needed, Map<BoardVariant, Firmware> catalog, Set<String> referenceBoards,
            SchedulingPolicy policy) {
        this.policy = policy;
        this.catalog = Map.copyOf(catalog);
        this.referenceBoards = Set.copyOf(referenceBoards);
        needed.stream().sorted().forEach(bv -> {
            Firmware f = catalog.get(bv);
            if (f == null) {
                return;
            }
            if (f.needsBuild()) {
                toBuild.add(bv);
            } else {
                ready.add(bv);
            }
        });
    }

    /** Firmwares that are ready from the start (prebuilt). */
    public List<BoardVariant> readyAtStart() {
        return List.copyOf(ready);
    }

    /**
     * The next firmware to build, or empty while one is building or none is left.
     *
     * @param waitingWorkMillis per firmware, how urgent it is (from {@link TestBartender#buildUrgencyMillis})
     */
    public Optional<Firmware> nextBuild(Map<BoardVariant, Long> waitingWorkMillis) {
        if (building != null || toBuild.isEmpty()) {
            return Optional.empty();
        }
        Comparator<BoardVariant> order = policy == SchedulingPolicy.ANCHOR ? anchorOrder() : Comparator
                .comparing((BoardVariant bv) -> !(referenceBoards.contains(bv.board()) && bv.isDefaultVariant()))
                .thenComparing(bv -> -waitingWorkMillis.getOrDefault(bv, 0L))
                .thenComparing(bv -> !bv.isDefaultVariant())
                .thenComparing(Comparator.naturalOrder());
        building = toBuild.stream().min(order).orElseThrow();
        toBuild.remove(building);
        return Optional.of(catalog.get(building));
    }

    /**
     * The anchor's order (notes 1.3): every variant of the reference board, then each board's n-th variant in
     * sorted order, boards with more variants first, then by name. It ignores how much work waits.
     */
    private Comparator<BoardVariant> anchorOrder() {
        if (anchorOrder == null) {
            anchorOrder = anchorOrder(toBuild, referenceBoards);
        }
        return anchorOrder;
    }

    /** Fixed at the first build, from every firmware to build, as the anchor computes it once. */
    private static Comparator<BoardVariant> anchorOrder(Set<BoardVariant> toBuild, Set<String> referenceBoards) {
        Map<String, List<String>> variants = new java.util.TreeMap<>();
        for (BoardVariant bv : toBuild) {
            variants.computeIfAbsent(bv.board(), b -> new ArrayList<>()).add(bv.variant());
        }
        variants.values().forEach(java.util.Collections::sort);
        java.util.function.ToIntFunction<BoardVariant> index = bv -> referenceBoards.contains(bv.board()) ? -1000
                : variants.getOrDefault(bv.board(), List.of()).indexOf(bv.variant());
        return Comparator.comparingInt(index)
                .thenComparingInt(bv -> -variants.getOrDefault(bv.board(), List.of()).size())
                .thenComparing(BoardVariant::board)
                .thenComparing(BoardVariant::variant);
    }

    /** The running build finished. */
    public void built(BoardVariant firmware, boolean success) {
        if (!firmware.equals(building)) {
            throw new IllegalStateException("not building: " + firmware);
        }
        building = null;
        if (success) {
            ready.add(firmware);
        }
    }

    public boolean isBuilding() {
        return building != null;
    }

    /** True while a build runs or waits: the session must not end yet. */
    public boolean hasPendingBuilds() {
        return building != null || !toBuild.isEmpty();
    }

    /** Forget builds nobody needs any more (e.g. their tentacles were quarantined). */
    public void dropUnneeded(Set<BoardVariant> stillNeeded) {
        toBuild.retainAll(stillNeeded);
    }
}
