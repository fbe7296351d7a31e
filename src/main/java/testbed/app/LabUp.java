package testbed.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import testbed.config.Workspace;
import testbed.lab.Discovery;
import testbed.lab.drivers.ConnectedLab;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.Lab;
import testbed.model.LabException;
import testbed.model.Tentacle;
import testbed.process.Interruption;
import testbed.selection.Selection;
import testbed.selection.SelectionRequest;
import testbed.testrun.TentacleLocks;

/**
 * {@code testbed lab up}: the selected tentacles connected and locked, their devices printed, until Ctrl-C. For a
 * direct run of MicroPython's runners ({@code run-tests.py -t port:DEVICE}) on exactly the boards a session uses,
 * e.g. to compare with testbed's results; a virtual lab's boards exist only while a testbed process holds them.
 */
public final class LabUp {

    /** Printed once every board is up, so scripts can wait for it. */
    public static final String READY = "lab up: ready (Ctrl-C to take it down)";

    public record Board(Tentacle tentacle, String device, String firmware) {}

    private LabUp() {}

    public static void run(Workspace workspace, String labName, SelectionRequest request, PrintWriter out) {
        Lab lab = workspace.lab(labName);
        Map<BoardVariant, Firmware> catalog = workspace.firmware();
        CountDownLatch down = new CountDownLatch(1);
        Runnable unhook = Interruption.onRequest(down::countDown);
        TentacleLocks locks = TentacleLocks.in(workspace.settings().lockDir());
        // Only the selected boards are connected (and a virtual board's process started).
        Selection wanted = Selection.select(lab.tentacles(), workspace.specs(), catalog.keySet(), request);
        try (ConnectedLab connected = ConnectedLab.connect(lab.only(wanted.duts().stream().map(Tentacle::serial).toList()), workspace.settings())) {
            Discovery discovery = connected.discovery();
            Selection selected = wanted.among(discovery.tentacles().stream().map(Tentacle::serial).collect(java.util.stream.Collectors.toSet()));
            List<String> serials = selected.duts().stream().map(Tentacle::serial).toList();
            Set<String> busy = locks.tryLockAll(serials, "testbed lab up (pid " + ProcessHandle.current().pid() + ")");
            if (!busy.isEmpty()) {
                throw new LabException("lab up: tentacles in use by another testbed process: " + busy);
            }
            try {
                for (Tentacle t : selected.duts()) {
                    Discovery.Found f = discovery.bySerial().get(t.serial());
                    out.printf("%-22s %-18s %s  %s%n", t.label(), t.board(), f.dut().port(),
                            f.identity().map(i -> i.firmware()).orElse("(no MicroPython answers)"));
                }
                for (Discovery.Missing m : discovery.missing()) {
                    out.printf("%-22s %-18s not found: %s%n", m.tentacle().label(), m.tentacle().board(), m.reason());
                }
                out.println(READY);
                out.flush();
                down.await();
            } finally {
                locks.unlockAll(serials);
            }
        } catch (IOException e) {
            throw new LabException("lab up: cannot lock tentacles in " + locks.dir() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (testbed.board.BoardIoException e) {
            throw new LabException("lab up: " + e.getMessage());
        } finally {
            unhook.run();
        }
    }
}
