package testbed.lab.virtual;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import testbed.board.BoardIoException;

/**
 * One virtual board: a simulator process (node with the WebAssembly MicroPython, or QEMU) whose stdin/stdout are
 * pumped to a pseudo-terminal. The pty's stable link is the board's "device". Power off = the process is stopped
 * (the line goes silent, input is lost); power on = a new process boots whatever is in the flash store.
 * A disconnect removes the device altogether, as an unplugged USB cable does.
 */
final class SimulatedBoard implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(SimulatedBoard.class);

    private final String serial;
    private final Path store;
    private final Path link;
    /** The simulator command for the current flash content; null when there is nothing bootable. */
    private final Supplier<List<String>> command;
    private final VirtualFaults faults;

    private volatile Pty pty;
    private volatile Process process;
    private volatile boolean unplugged;

    private final testbed.process.TiedProcesses processes;

    SimulatedBoard(String serial, Path store, Path link, Supplier<List<String>> command, VirtualFaults faults, testbed.process.TiedProcesses processes) {
        this.processes = processes;
        this.serial = serial;
        this.store = store;
        this.link = link;
        this.command = command;
        this.faults = faults;
    }

    String serial() {
        return serial;
    }

    Path store() {
        return store;
    }

    /** Plugs the board in (creates its device) and powers it on. */
    void plugIn() throws IOException {
        Files.createDirectories(store);
        Files.deleteIfExists(store.resolve("bootmode"));
        Files.writeString(store.resolve("flash_failures_left"), String.valueOf(faults.flashFails()));
        connect();
        try {
            powerOn();
        } catch (BoardIoException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Schedules the injected disconnect, counted from now (the end of discovery). */
    void armFaults(ScheduledExecutorService timer) {
        faults.disconnectAfterSeconds().ifPresent(after -> timer.schedule(() -> {
            LOG.info("virtual board {}: unplugged (injected fault)", serial);
            unplug();
            faults.backAfterSeconds().ifPresent(back -> timer.schedule(() -> {
                try {
                    LOG.info("virtual board {}: plugged in again", serial);
                    connect();
                    powerOn();
                } catch (IOException | BoardIoException e) {
                    LOG.warn("virtual board {}: cannot come back: {}", serial, e.getMessage());
                }
            }, Math.round(back * 1000), TimeUnit.MILLISECONDS));
        }, Math.round(after * 1000), TimeUnit.MILLISECONDS));
    }

    private synchronized void connect() throws IOException {
        pty = Pty.open();
        Files.createDirectories(link.getParent());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(pty.slavePath()));
        unplugged = false;
        Pty p = pty;
        Thread toBoard = new Thread(() -> pumpToBoard(p), "vboard-in-" + serial);
        toBoard.setDaemon(true);
        toBoard.start();
    }

    /** The device path, or Lost when the board is unplugged. */
    String port() throws BoardIoException {
        if (unplugged) {
            throw new BoardIoException.Lost(link + ": device gone (board unplugged)");
        }
        return link.toString();
    }

    synchronized void powerOn() throws BoardIoException {
        if (unplugged) {
            throw new BoardIoException.Lost(link + ": device gone (board unplugged)");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = command.get();
        if (cmd == null) {
            LOG.debug("virtual board {}: nothing bootable in the flash store", serial);
            return;
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(store.resolve("board.log").toFile()));
            Process p = processes.start(pb);
            process = p;
            // Who this board's process is, for a later session to reap should this one be killed before it can stop it.
            Files.writeString(link.resolveSibling(serial + ".pid"), p.pid() + "\n" + store + "\n");
            Pty target = pty;
            Thread fromBoard = new Thread(() -> pumpFromBoard(p, target), "vboard-out-" + serial);
            fromBoard.setDaemon(true);
            fromBoard.start();
        } catch (IOException e) {
            throw new BoardIoException.Lost("virtual board " + serial + ": cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
    }

    synchronized void powerOff() {
        Process p = process;
        process = null;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    synchronized void powerCycle() throws BoardIoException {
        String stuck = stuck();
        if (stuck.equals("hard_reset") || stuck.equals("power_cycle")) {
            unstick(); // power off and on is stronger than a reset
        }
        powerOff();
        powerOn();
    }

    /**
     * A pulse on the reset line (DTR/RTS on a real board): restarts the MCU, unless it is stuck where only a power
     * cycle or a reflash helps (the {@code stuck} fault), when the line does nothing.
     */
    synchronized void hardReset() throws BoardIoException {
        String stuck = stuck();
        if (stuck.equals("power_cycle") || stuck.equals("reflash") || stuck.equals("never")) {
            LOG.info("virtual board {}: reset line pulsed, still stuck ({})", serial, stuck);
            return;
        }
        if (stuck.equals("hard_reset")) {
            unstick();
        }
        powerOff();
        powerOn();
    }

    /** What the board is stuck until (the {@code stuck} fault's marker in its store), empty when it is not. */
    private String stuck() {
        try {
            Path marker = store.resolve("stuck");
            return Files.isRegularFile(marker) ? Files.readString(marker).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private void unstick() {
        try {
            Files.deleteIfExists(store.resolve("stuck"));
        } catch (IOException e) {
            LOG.warn("virtual board {}: {}", serial, e.getMessage());
        }
    }

    /** Boot mode: the board is off and its flash store accepts an image from the virtual programmer. */
    synchronized void enterBootMode() throws BoardIoException {
        if (unplugged) {
            throw new BoardIoException.Lost(link + ": device gone (board unplugged)");
        }
        powerOff();
        if (stuck().equals("reflash")) {
            unstick(); // the image the programmer writes next replaces the corrupted one
        }
        try {
            Files.writeString(store.resolve("bootmode"), "1");
        } catch (IOException e) {
            throw new BoardIoException.Lost("virtual board " + serial + ": flash store not writable: " + e.getMessage(), e);
        }
    }

    synchronized void leaveBootMode() {
        try {
            Files.deleteIfExists(store.resolve("bootmode"));
        } catch (IOException e) {
            LOG.warn("virtual board {}: {}", serial, e.getMessage());
        }
    }

    boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    private synchronized void unplug() {
        powerOff();
        unplugged = true;
        Pty p = pty;
        if (p != null) {
            p.close();
        }
        try {
            Files.deleteIfExists(link);
        } catch (IOException e) {
            LOG.warn("virtual board {}: {}", serial, e.getMessage());
        }
    }

    /** Host → board. Bytes sent while the board is off are lost, as on real hardware. */
    private void pumpToBoard(Pty p) {
        byte[] buf = new byte[4096];
        while (true) {
            int n = p.read(buf);
            if (n < 0) {
                return;
            }
            Process target = process;
            if (target == null || !target.isAlive()) {
                continue;
            }
            try {
                OutputStream in = target.getOutputStream();
                in.write(buf, 0, n);
                in.flush();
            } catch (IOException e) {
                // the board just powered off
            }
        }
    }

    /** Board → host, until this process ends. */
    private void pumpFromBoard(Process p, Pty target) {
        byte[] buf = new byte[4096];
        try (InputStream out = p.getInputStream()) {
            for (int n; (n = out.read(buf)) > 0; ) {
                target.write(buf, n);
            }
        } catch (IOException e) {
            // process gone or pty closed
        }
    }

    @Override
    public void close() {
        unplug();
    }
}
