package testbed.model;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How much USB-heavy work (flashing and verifying a firmware, which also probes the board) a lab's hubs and hosts take
 * at once. The anchor lab lost serial data on a running test when other boards on the same host were busy on USB
 * (more than about 6 tentacles at once), so a lab can cap it per hub and per host, and can ask that no test runs on a
 * hub while one of its boards is flashed. A tentacle's hub is its {@code hub} tag; its host is its {@code host} tag.
 *
 * @param perHost USB-heavy operations at once on one host; 0: no limit
 * @param perHub USB-heavy operations at once on a hub that {@code hubs} does not name; 0: no limit
 * @param hubs limits of named hubs (0: no limit)
 * @param quietHubs hubs on which no test runs while a board of the hub is flashed (and no flash starts while a test runs)
 */
public record UsbLimits(int perHost, int perHub, Map<String, Integer> hubs, Set<String> quietHubs) {

    /** The lab file's tag that names a tentacle's USB hub. */
    public static final String HUB_TAG = "hub";

    public static final UsbLimits NONE = new UsbLimits(0, 0, Map.of(), Set.of());

    public UsbLimits {
        hubs = Map.copyOf(hubs);
        quietHubs = Set.copyOf(quietHubs);
        if (perHost < 0 || perHub < 0 || hubs.values().stream().anyMatch(n -> n < 0)) {
            throw new IllegalArgumentException("USB limits must be >= 0");
        }
    }

    /** True when nothing is limited: the bartender skips the bookkeeping. */
    public boolean none() {
        return perHost == 0 && perHub == 0 && hubs.values().stream().allMatch(n -> n == 0) && quietHubs.isEmpty();
    }

    /** The tentacle's hub, if the lab names one. */
    public static Optional<String> hubOf(Tentacle t) {
        return Optional.ofNullable(t.tags().get(HUB_TAG));
    }

    /** The limit of a hub (0: none). */
    public int hubLimit(String hub) {
        return hubs.getOrDefault(hub, perHub);
    }

    public boolean quiet(String hub) {
        return quietHubs.contains(hub);
    }
}
