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
    private BoardVariant building;

    /**
     * @param needed the firmwares the selected work needs
     * @param catalog every firmware found in {@code firmware/}
     */
    public FirmwareBartender(Set<BoardVariant> needed, Map<BoardVariant, Firmware> catalog, Set<String> referenceBoards) {
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
     * @param waitingWorkMillis per firmware, the work that waits for it (from {@link TestBartender#waitingWorkMillis})
     */
    public Optional<Firmware> nextBuild(Map<BoardVariant, Long> waitingWorkMillis) {
        if (building != null || toBuild.isEmpty()) {
            return Optional.empty();
        }
        Comparator<BoardVariant> order = Comparator
                .comparing((BoardVariant bv) -> !(referenceBoards.contains(bv.board()) && bv.isDefaultVariant()))
                .thenComparing(bv -> -waitingWorkMillis.getOrDefault(bv, 0L))
                .thenComparing(bv -> !bv.isDefaultVariant())
                .thenComparing(Comparator.naturalOrder());
        building = toBuild.stream().min(order).orElseThrow();
        toBuild.remove(building);
        return Optional.of(catalog.get(building));
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
