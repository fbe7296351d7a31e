package testbed.session;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import testbed.bartender.TestBartender;
import testbed.model.Status;
import testbed.model.WorkKey;

/** What a resumed session takes from the one it continues: the work items done, and those cut off twice in a row. */
final class Resume {

    private Resume() {}

    static void into(TestBartender bartender, SessionRecord previous, SessionListener listener) {
        Set<WorkKey> done = new HashSet<>();
        Map<WorkKey, Integer> cutInARow = new HashMap<>();
        for (SessionRecord.Run run : previous.runs()) {
            WorkKey key = run.key();
            if (run.status() == Status.NEVER_FINISHED || run.status() == Status.INTERRUPTED) {
                cutInARow.merge(key, 1, Integer::sum);
            } else if (!run.status().isInfra()) {
                done.add(key); // passed, failed, xfailed or skipped: its outcome stands as recorded
                cutInARow.remove(key);
            }
        }
        Set<WorkKey> cutTwice = new HashSet<>();
        cutInARow.forEach((k, n) -> {
            if (n >= 2) {
                cutTwice.add(k);
            }
        });
        bartender.resumed(done, cutTwice);
        listener.message("resuming session " + previous.sessionId() + ": " + done.size() + " work items done before, "
                + (cutTwice.isEmpty() ? "the rest runs now" : cutTwice.size() + " cut off twice and not tried again"));
    }
}
