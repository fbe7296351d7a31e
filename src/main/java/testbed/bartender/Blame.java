package testbed.bartender;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import testbed.model.BoardVariant;
import testbed.model.TestRun;

/**
 * Books an infrastructure error: who is blamed (the tentacles the error names, else the DUT), when a tentacle is
 * quarantined, when the item goes back and when it is given up, and when an image rather than the boards is at fault.
 */
final class Blame {

    private final TestBartender b;
    private final Map<BoardVariant, Set<String>> versionMismatches = new HashMap<>();

    Blame(TestBartender bartender) {
        this.b = bartender;
    }

    void book(TestRun run, WorkItem item, RunOutcome.InfraError error) {
        if (error.kind() == RunOutcome.InfraErrorKind.RUNNER_FAILED) {
            // The runner, not a board: it would fail the same way on any tentacle, so it is neither requeued nor anyone's fault.
            b.tried.computeIfAbsent(item.key(), k -> new ArrayList<>()).add(run.testid());
            b.givenUp.add(new Leftover(item.spec().label(), item.describe(), Leftover.Reason.RUNNER_FAILED, error.message(), b.tried.get(item.key())));
            return;
        }
        Set<String> blamed = error.blamedSerials().isEmpty() ? Set.of(run.dut().serial()) : error.blamedSerials();
        b.tried.computeIfAbsent(item.key(), k -> new ArrayList<>()).add(run.testid());
        Optional<BoardVariant> broken = error.kind() == RunOutcome.InfraErrorKind.VERSION_MISMATCH ? brokenBy(run, blamed) : Optional.empty();
        for (String serial : blamed) {
            b.firmwareOn.remove(serial);
            b.flashedThisSession.remove(serial); // a forced flash that failed is still owed
            if (broken.isEmpty()) {
                int errors = b.consecutiveInfraErrors.merge(serial, 1, Integer::sum);
                if (errors >= b.config.quarantineAfter() || error.kind() == RunOutcome.InfraErrorKind.BEYOND_RECOVERY
                        || error.kind() == RunOutcome.InfraErrorKind.REPORT_REFUSED) {
                    b.quarantined.add(serial);
                }
            }
        }
        if (broken.isPresent()) {
            b.givenUp.add(new Leftover(item.spec().label(), item.describe(), Leftover.Reason.FIRMWARE_BROKEN, broken.get().name() + ": "
                    + error.message(), b.tried.get(item.key())));
        } else if (item.requeues() < b.config.maxRequeues()) {
            b.todo.get(item.kind()).add(item.requeuedAfterFailureOn(blamed));
            b.booked(item, +1);
        } else {
            b.givenUp.add(new Leftover(item.spec().label(), item.describe(), Leftover.Reason.INFRA_ERRORS,
                    (item.requeues() + 1) + " attempts, last: " + error.kind() + " " + error.message(), b.tried.get(item.key())));
        }
    }

    /**
     * A version check failed: when the same image has now failed it on two different tentacles of its kind, the
     * image is at fault, not the boards. They are forgiven (taken back from quarantine), and every item of that
     * firmware is left over as such while the other firmware goes on.
     */
    private Optional<BoardVariant> brokenBy(TestRun run, Set<String> blamed) {
        for (String serial : blamed) {
            BoardVariant fw = serial.equals(run.dut().serial()) ? run.dutFirmware() : run.referenceFirmware().orElse(run.dutFirmware());
            Set<String> on = versionMismatches.computeIfAbsent(fw, k -> new HashSet<>());
            on.add(serial);
            if (on.size() >= 2) {
                b.brokenFirmware.add(fw);
                for (String s : on) {
                    b.consecutiveInfraErrors.remove(s);
                    b.quarantined.remove(s);
                }
                return Optional.of(fw);
            }
        }
        return Optional.empty();
    }
}
