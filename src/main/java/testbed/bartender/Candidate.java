package testbed.bartender;

import testbed.model.Tentacle;
import testbed.model.TestRun;

/**
 * A TestRun the bartender could start now: a work item on a free DUT, with a free reference when needed. Carries the
 * facts the SchedulingPolicy ranks by, so policies stay pure comparisons.
 *
 * @param affinity 0: the DUT carries the firmware; 1: it needs a flash and no identical tentacle carries that
 *     firmware; 2: it needs a flash although an identical tentacle already carries it
 * @param avoided the item already hit an infrastructure error on this DUT
 * @param kindLoadMillis open work per tentacle of the DUT's kind: the kind with the most left will end the session last
 * @param shortestFirst a time-boxed session near its end: not all of the kind's open work fits any more, so as many
 *     items as possible should finish
 */
public record Candidate(
        WorkItem item,
        Tentacle dut,
        Tentacle reference,
        int affinity,
        boolean referenceNeedsFlash,
        boolean avoided,
        long estimatedMillis,
        long kindLoadMillis,
        boolean shortestFirst) {

    public String testid() {
        return TestRun.testid(item.spec(), dut, item.variant(), item.role());
    }

    boolean dutNeedsFlash() {
        return affinity > 0;
    }
}
