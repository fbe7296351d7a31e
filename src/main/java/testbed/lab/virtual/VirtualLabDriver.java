package testbed.lab.virtual;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import testbed.board.BoardIdentity;
import testbed.lab.Discovery;
import testbed.lab.IdentityProbe;
import testbed.lab.LabDriver;
import testbed.process.ShutdownHooks;
import testbed.model.LabException;
import testbed.model.Tentacle;

/**
 * The built-in virtual lab: every tentacle of connection kind {@code virtual} becomes a WebAssembly MicroPython board,
 * every {@code qemu-microbit} tentacle a QEMU micro:bit, every {@code qemu-mps2} tentacle an Arm MPS2-AN385 (Cortex-M3)
 * running whatever image was flashed (MicroPython's QEMU port, built from the source under test), every {@code unix}
 * tentacle MicroPython's unix port (its {@code micropython} binary as the image, built from the source under test,
 * with real sockets on loopback), each behind its own pseudo-terminal. Their flash stores live
 * in the workspace's state folder, so a virtual board keeps its firmware between sessions like a real one.
 * All processes and ptys go away on close, and on Ctrl-C through a shutdown hook.
 */
public final class VirtualLabDriver implements LabDriver {

    public static final String KIND = "virtual";
    public static final String QEMU_KIND = "qemu-microbit";
    public static final String QEMU_MPS2_KIND = "qemu-mps2";
    /** MicroPython's unix port, flashed as its binary, on a pty of its own (a process exit is a reboot). */
    public static final String UNIX_KIND = "unix";
    static final String QEMU = "qemu-system-arm";

    private static final Logger LOG = LogManager.getLogger(VirtualLabDriver.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String labName;
    private final Path labFile;
    private final Path storeRoot;
    private final Path runDir;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vlab-faults");
        t.setDaemon(true);
        return t;
    });
    private final List<SimulatedBoard> boards = new ArrayList<>();
    private final Runnable shutdownHook = this::closeBoards;
    private NodeRuntime node;

    private final Path cacheDir;
    private final String path;
    private final testbed.process.TiedProcesses processes;
    private final Path runRoot;

    private static final java.util.concurrent.atomic.AtomicInteger LABS_IN_PROCESS = new java.util.concurrent.atomic.AtomicInteger();

    /** The boards' flash lives in the state folder, their device links in the run folder, node's package in the cache. */
    public VirtualLabDriver(String labName, Path labFile, testbed.config.Settings settings) {
        this.labName = labName;
        this.labFile = labFile;
        this.storeRoot = storeRoot(settings.stateDir(), labName);
        // Two sessions of one process (a compare's base and head) each run their own boards: their devices must not meet.
        int n = LABS_IN_PROCESS.incrementAndGet();
        this.runDir = settings.runDir().resolve("vlab-" + ProcessHandle.current().pid() + "-" + labName + (n == 1 ? "" : "-" + n));
        this.cacheDir = settings.cacheDir();
        this.path = settings.path();
        this.processes = new testbed.process.TiedProcesses(path);
        this.runRoot = settings.runDir();
    }

    /** Where a virtual lab keeps its boards' flash, one folder per serial. */
    public static Path storeRoot(Path stateDir, String labName) {
        return stateDir.resolve("virtual-lab").resolve(labName);
    }

    /** A tentacle's virtual-board settings, checked as discovery would read them. */
    public static void validate(Path labFile, Tentacle t) {
        VirtualFaults.parse(t.connection().options().get("faults"), labFile + ": tentacle " + t.serial());
    }

    @Override
    public Map<String, Path> storedImages(List<Tentacle> inventory) {
        Map<String, Path> images = new java.util.LinkedHashMap<>();
        for (Tentacle t : inventory) {
            Path image = storeRoot.resolve(t.serial()).resolve("flash.img");
            if (Files.isRegularFile(image)) {
                images.put(t.serial(), image);
            }
        }
        return images;
    }

    @Override
    public Discovery discover(List<Tentacle> inventory) throws LabException {
        List<Discovery.Missing> missing = new ArrayList<>();
        List<VirtualDut> duts = new ArrayList<>();
        ShutdownHooks.add(ShutdownHooks.Phase.CLEANUP, shutdownHook);
        reapKilledSessions(runRoot);
        for (Tentacle t : inventory) {
            String where = labFile + ": tentacle " + t.serial();
            VirtualFaults faults = VirtualFaults.parse(t.connection().options().get("faults"), where);
            Path store = storeRoot.resolve(t.serial());
            SimulatedBoard board;
            if (t.connection().kind().equals(UNIX_KIND)) {
                Path wrapper = UnixBoard.script(cacheDir);
                board = new SimulatedBoard(t.serial(), store, runDir.resolve(t.serial()), () -> UnixBoard.command(wrapper, store, path), faults,
                        processes);
            } else if (t.connection().kind().equals(QEMU_KIND) || t.connection().kind().equals(QEMU_MPS2_KIND)) {
                if (!onPath(path, QEMU)) {
                    missing.add(new Discovery.Missing(t, QEMU + " not installed (apt-get install qemu-system-arm)"));
                    continue;
                }
                boolean mps2 = t.connection().kind().equals(QEMU_MPS2_KIND);
                board = new SimulatedBoard(t.serial(), store, runDir.resolve(t.serial()), () -> mps2 ? mps2Command(store) : qemuCommand(store), faults,
                        processes);
            } else {
                NodeRuntime runtime = node();
                String faultJson = json(faults.all());
                board = new SimulatedBoard(t.serial(), store, runDir.resolve(t.serial()),
                        () -> List.of("node", runtime.boardScript().toString(), "--serial", t.serial(), "--store", store.toString(),
                                "--faults", faultJson), faults, processes);
            }
            boards.add(board);
            VirtualDut dut = new VirtualDut(t, board, this::node);
            if (faults.plugInAfterSeconds().isPresent()) {
                // Not there yet: missing now, with its device to watch; plugged in (and its faults armed) later.
                missing.add(new Discovery.Missing(t, "not plugged in yet", Optional.of(dut)));
                timer.schedule(() -> {
                    try {
                        LOG.info("virtual board {}: plugged in (plug_in_after_s)", t.serial());
                        board.plugIn();
                        board.armFaults(timer);
                    } catch (IOException e) {
                        LOG.warn("virtual board {}: cannot plug in: {}", t.serial(), e.getMessage());
                    }
                }, Math.round(faults.plugInAfterSeconds().getAsDouble() * 1000), java.util.concurrent.TimeUnit.MILLISECONDS);
                continue;
            }
            duts.add(dut);
        }
        LOG.info("virtual lab: starting {} board(s): {}", duts.size(), duts.stream().map(d -> d.tentacle().serial()).toList());
        // Boot in parallel: the whole lab is up in about the time of its slowest board.
        List<CompletableFuture<Discovery.Found>> probes = duts.stream().map(dut -> CompletableFuture.supplyAsync(() -> {
            try {
                dut.board().plugIn();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Duration patience = Duration.ofMillis(1500 + Math.round(1000 * slowBoot(dut.tentacle())));
            Optional<BoardIdentity> identity = IdentityProbe.probe(dut, patience);
            return new Discovery.Found(dut, identity);
        })).toList();
        List<Discovery.Found> found = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            try {
                found.add(probes.get(i).join());
            } catch (RuntimeException e) {
                missing.add(new Discovery.Missing(duts.get(i).tentacle(), "cannot start: " + rootMessage(e)));
            }
        }
        found.forEach(f -> ((VirtualDut) f.dut()).board().armFaults(timer));
        return new Discovery(found, missing, List.of());
    }

    private synchronized NodeRuntime node() {
        if (node == null) {
            node = NodeRuntime.ensure(cacheDir);
        }
        return node;
    }

    private static List<String> qemuCommand(Path store) {
        Path image = store.resolve("flash.img");
        if (!Files.isRegularFile(image)) {
            return null;
        }
        return List.of(QEMU, "-M", "microbit", "-display", "none", "-monitor", "none", "-serial", "stdio", "-device",
                "loader,file=" + image);
    }

    /** MicroPython's QEMU port as its Makefile runs it (semihosting on, for its exit path), the ELF loaded as the kernel. */
    private static List<String> mps2Command(Path store) {
        Path image = store.resolve("flash.img");
        if (!Files.isRegularFile(image)) {
            return null;
        }
        return List.of(QEMU, "-M", "mps2-an385", "-display", "none", "-monitor", "none", "-semihosting", "-serial", "stdio", "-kernel",
                image.toString());
    }

    private static double slowBoot(Tentacle t) {
        Object faults = t.connection().options().get("faults");
        if (faults instanceof Map<?, ?> m && m.get("slow_boot_s") instanceof Number n) {
            return n.doubleValue();
        }
        return 0;
    }

    static boolean onPath(String path, String exe) {
        return Stream.of(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, exe)));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /**
     * What a testbed killed before it could stop its boards left behind: {@code vlab-<pid>-*} folders of processes
     * that are gone, and any board process they list that still runs (only where the children could not be tied to
     * testbed). Its boards are killed and the folder removed.
     */
    static void reapKilledSessions(Path runRoot) {
        if (!Files.isDirectory(runRoot)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(runRoot)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().matches("vlab-\\d+-.*")).toList()) {
                long owner = Long.parseLong(d.getFileName().toString().split("-")[1]);
                if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    continue; // a live session's boards
                }
                try (Stream<Path> pids = Files.list(d)) {
                    for (Path pidFile : pids.filter(p -> p.getFileName().toString().endsWith(".pid")).toList()) {
                        List<String> lines = Files.readAllLines(pidFile);
                        String store = lines.size() > 1 ? lines.get(1) : "\0";
                        ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                                .filter(h -> h.info().commandLine().orElse("").contains(store)) // the board, not a reused pid
                                .ifPresent(h -> {
                                    LOG.info("reaping board process {} of killed session {}", h.pid(), owner);
                                    h.destroyForcibly();
                                });
                    }
                }
                deleteTree(d);
                LOG.info("removed {} of killed session {}", d, owner);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot reap in {}: {}", runRoot, e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot clean {}: {}", dir, e.getMessage());
        }
    }

    private synchronized void closeBoards() {
        boards.forEach(SimulatedBoard::close);
        boards.clear();
        try (Stream<Path> files = Files.exists(runDir) ? Files.walk(runDir) : Stream.empty()) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot clean {}: {}", runDir, e.getMessage());
        }
    }

    @Override
    public void close() {
        closeBoards();
        timer.shutdownNow();
        ShutdownHooks.remove(shutdownHook);
    }
}
