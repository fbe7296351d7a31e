package testbed.session;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import testbed.bartender.TestBartender;
import testbed.bartender.WorkItem;
import testbed.model.Role;
import testbed.model.Status;
import testbed.results.AttemptRecord;

/** What a resumed session takes from the one it continues: the work items done, and those cut off twice in a row. */
final class Resume {

    private Resume() {}

    static void into(TestBartender bartender, SessionRecord previous, SessionListener listener) {
        Set<String> done = new HashSet<>();
        Map<String, Integer> cutInARow = new HashMap<>();
        for (SessionRecord.Run run : previous.runs()) {
            String key = key(run);
            if (key == null) {
                continue;
            }
            if (run.status() == Status.NEVER_FINISHED || run.status() == Status.INTERRUPTED) {
                cutInARow.merge(key, 1, Integer::sum);
            } else if (!run.status().isInfra()) {
                done.add(key); // passed, failed, xfailed or skipped: its outcome stands as recorded
                cutInARow.remove(key);
            }
        }
        Set<String> cutTwice = new HashSet<>();
        cutInARow.forEach((k, n) -> {
            if (n >= 2) {
                cutTwice.add(k);
            }
        });
        bartender.resumed(done, cutTwice);
        listener.message("resuming session " + previous.sessionId() + ": " + done.size() + " work items done before, "
                + (cutTwice.isEmpty() ? "the rest runs now" : cutTwice.size() + " cut off twice and not tried again"));
    }

    /** The work item a recorded run did, from its first attempt (a run cut off before any attempt has its testid only). */
    private static String key(SessionRecord.Run run) {
        String testid = run.testid();
        Role role = testid.endsWith("-instance0") ? Role.INSTANCE0 : testid.endsWith("-instance1") ? Role.INSTANCE1 : Role.SINGLE;
        if (!run.attempts().isEmpty()) {
            AttemptRecord a = run.attempts().get(0);
            String kind = a.tentacle().substring(a.tentacle().indexOf('-') + 1);
            return WorkItem.keyOf(run.testgroup(), kind, a.board(), a.variant(), role);
        }
        // testid: LABEL@<serial4>-<TAG>[-variant][-instanceN]; the run's variant field is BOARD[-VARIANT]
        List<String> tentacles = run.tentacles();
        if (tentacles.isEmpty()) {
            return null;
        }
        String kind = tentacles.get(0).substring(tentacles.get(0).indexOf('-') + 1);
        testbed.model.BoardVariant bv = testbed.model.BoardVariant.parse(run.variant());
        return WorkItem.keyOf(run.testgroup(), kind, bv.board(), bv.variant(), role);
    }
}
