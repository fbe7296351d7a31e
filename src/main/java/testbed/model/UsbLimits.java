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
 * @param hosts on a lab of several hosts: each host's own limits (from its agent's lab file), by host name; empty on
 *     one host, where these limits are the host's
 */
public record UsbLimits(int perHost, int perHub, Map<String, Integer> hubs, Set<String> quietHubs, Map<String, UsbLimits> hosts) {

    /** The lab file's tag that names a tentacle's USB hub. */
    public static final String HUB_TAG = "hub";

    public static final UsbLimits NONE = new UsbLimits(0, 0, Map.of(), Set.of());

    @com.fasterxml.jackson.annotation.JsonCreator
    public UsbLimits {
        hubs = Map.copyOf(hubs);
        quietHubs = Set.copyOf(quietHubs);
        hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
        if (perHost < 0 || perHub < 0 || hubs.values().stream().anyMatch(n -> n < 0)) {
            throw new IllegalArgumentException("USB limits must be >= 0");
        }
    }

    public UsbLimits(int perHost, int perHub, Map<String, Integer> hubs, Set<String> quietHubs) {
        this(perHost, perHub, hubs, quietHubs, Map.of());
    }

    /** The limits of a lab of several hosts: each host's own. */
    public static UsbLimits ofHosts(Map<String, UsbLimits> byHost) {
        return new UsbLimits(0, 0, Map.of(), Set.of(), byHost);
    }

    /** The limits that hold on {@code host} (a tentacle's {@code host} tag; empty on one host). */
    public UsbLimits forHost(String host) {
        return hosts.isEmpty() ? this : hosts.getOrDefault(host, NONE);
    }

    /** True when nothing is limited: the bartender skips the bookkeeping. */
    public boolean none() {
        return perHost == 0 && perHub == 0 && hubs.values().stream().allMatch(n -> n == 0) && quietHubs.isEmpty()
                && hosts.values().stream().allMatch(UsbLimits::none);
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
