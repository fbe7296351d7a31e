package testbed.bartender;

import java.util.List;
import java.util.Set;

/** Takes a resumed session's history into a fresh bartender: the work already done, and what was cut off twice. */
final class Resumption {

    private final TestBartender b;

    Resumption(TestBartender bartender) {
        this.b = bartender;
    }

    /**
     * A resumed session: the items with these keys were done before the interruption (kept as recorded); those in
     * {@code givenUp} were cut off twice in a row and are not tried a third time (they may crash the host).
     */
    void apply(Set<testbed.model.WorkKey> done, Set<testbed.model.WorkKey> cutTwice) {
        for (List<WorkItem> items : b.todo.values()) {
            for (var it = items.iterator(); it.hasNext(); ) {
                WorkItem item = it.next();
                boolean gone = done.contains(item.key()) || cutTwice.contains(item.key());
                if (gone) {
                    it.remove();
                    b.booked(item, -1);
                }
                if (cutTwice.contains(item.key())) {
                    b.givenUp.add(new Leftover(item.spec().label(), item.describe(), Leftover.Reason.INFRA_ERRORS,
                            "cut off twice in a row (the session was killed while it ran): not tried a third time"));
                }
            }
        }
    }

    /**
     * A run started before the coordinator restarted, still held by its agent: its work item (found by group, kind,
     * variant and role) leaves the open work and its tentacles are busy, as if this bartender had started it. False
     * when no open item matches (done before, per the record): the caller drops the run.
     */
    boolean adopt(testbed.model.TestRun run) {
        List<WorkItem> items = b.todo.get(run.dut().tag());
        if (items == null || b.running.containsKey(run.testid())) {
            return false;
        }
        for (WorkItem item : items) {
            if (item.key().equals(run.workKey())) {
                items.remove(item);
                b.booked(item, -1);
                run.tentacles().forEach(t -> b.free.remove(t.serial()));
                b.running.put(run.testid(), new TestBartender.Running(run, item));
                return true;
            }
        }
        return false;
    }
}
