package testbed.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.board.BoardIdentity;
import testbed.lab.Dut;
import testbed.lab.IdentityProbe;
import testbed.model.MicroPythonSource;
import testbed.model.Requirement;
import testbed.model.RunnerSpec;
import testbed.source.MpyCross;

/**
 * What one attempt of an external runner needs before it starts, asked of the host and the boards once: the group's
 * requirements (mpy-cross, a native emitter, natmods built for the board, a µs clock, the internet, a module), and the
 * tests of run-tests.py this board cannot run for reasons outside the firmware.
 */
final class Prerequisites {

    private final RunnerSpec.External spec;

    Prerequisites(RunnerSpec.External spec) {
        this.spec = spec;
    }

    /** Where the runner starts when a requirement says so (the natmods' folder). */
    Optional<Path> workDir() {
        return Optional.ofNullable(workDir);
    }

    /** Why this run cannot run here (a requirement of the group that the host or a board lacks), or empty. */
    Optional<String> missing(RunContext ctx, Map<String, String> env) {
        if (spec.command().get(0).equals("{python}") && testbed.process.Python.pyserialVersion(ctx.python()).isEmpty()) {
            return Optional.of("host prerequisite: " + ctx.python() + " cannot import serial (pyserial), which MicroPython's runners need: "
                    + "apt-get install python3-serial, or --python / $TESTBED_PYTHON (see testbed doctor)");
        }
        for (Requirement req : spec.requires()) {
            if (req instanceof Requirement.MpyCross) {
                Optional<Path> root = ctx.micropython().flatMap(MicroPythonSource::root);
                if (root.isEmpty()) {
                    return Optional.of("needs mpy-cross: give --micropython SOURCE (mpy-cross is built from it), not only a tests folder");
                }
                try {
                    env.put("MICROPY_MPYCROSS", MpyCross.ensure(root.get(), ctx.cacheDir(), ctx.logStream()).toString());
                } catch (MpyCross.Unavailable e) {
                    return Optional.of(e.getMessage());
                }
            } else if (req instanceof Requirement.NativeEmitter) {
                Optional<BoardIdentity> id = identity(ctx, ctx.dut());
                if (id.isPresent() && id.get().nativeArch().isEmpty()) {
                    return Optional.of("the target has no native code architecture (sys.implementation._mpy = " + id.get().mpy()
                            + "): no native emitter");
                }
            } else if (req instanceof Requirement.NatMods) {
                Optional<Path> root = ctx.micropython().flatMap(MicroPythonSource::root);
                Optional<BoardIdentity> id = identity(ctx, ctx.dut());
                if (root.isEmpty()) {
                    return Optional.of("needs the natmod examples built from the source: give --micropython SOURCE, not only a tests folder");
                }
                if (id.isPresent() && id.get().nativeArch().isEmpty()) {
                    return Optional.of("the target has no native code architecture (sys.implementation._mpy = " + id.get().mpy()
                            + "): it loads no native modules");
                }
                try {
                    Path mpyCross = MpyCross.ensure(root.get(), ctx.cacheDir(), ctx.logStream());
                    // As run-natmodtests.py maps it (ARCH_MAPPINGS): an armv7em firmware loads armv7m modules, which is what it asks for.
                    String arch = id.map(BoardIdentity::nativeArch).map(a -> a.equals("armv7em") ? "armv7m" : a).orElse("x64");
                    testbed.source.NatMods.Built built = testbed.source.NatMods.ensure(root.get(), arch, ctx.cacheDir(), ctx.python(), mpyCross,
                            ctx.logStream());
                    workDir = built.workDir();
                    notBuilt = built.failed();
                } catch (MpyCross.Unavailable e) {
                    return Optional.of(e.getMessage());
                }
            } else if (req instanceof Requirement.MicrosecondClock) {
                Optional<BoardIdentity> id = identity(ctx, ctx.dut());
                if (id.isPresent() && id.get().clockStep().orElse(1) > 100) {
                    return Optional.of("the board's time.ticks_us() moves in steps of " + id.get().clockStepUs() + " us: too coarse to time "
                            + "benchmarks (run-perfbench.py would divide by a zero time)");
                }
            } else if (req instanceof Requirement.Internet) {
                if (!LeftOut.internet()) {
                    return Optional.of("needs the internet, and this host resolves no public name (micropython.org)");
                }
            } else if (req instanceof Requirement.Module m) {
                List<Dut> boards = new ArrayList<>(List.of(ctx.dut()));
                ctx.reference().ifPresent(boards::add);
                for (Dut board : boards) {
                    Optional<BoardIdentity> id = identity(ctx, board);
                    if (id.isPresent() && !id.get().modules().contains(m.name())) {
                        return Optional.of("the firmware of " + board.tentacle().label() + " has no '" + m.name() + "' module");
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Where the runner starts when a requirement says so (the natmods' folder); else the tests folder. */
    private Path workDir;
    /** natmod → why it was not built: its tests' "mpy file not compiled" gets that reason. */
    private Map<String, String> notBuilt = Map.of();

    /** Boards asked in this attempt (a runner runs one attempt), so each requirement does not ask again. */
    private final Map<String, Optional<BoardIdentity>> probed = new HashMap<>();

    /** What the board reported when this attempt flashed or verified it; asked now, once, when the attempt did neither (--flash-skip). */
    private Optional<BoardIdentity> identity(RunContext ctx, Dut board) {
        BoardIdentity known = ctx.identities().get(board.tentacle().serial());
        return known != null ? Optional.of(known)
                : probed.computeIfAbsent(board.tentacle().serial(), s -> IdentityProbe.probe(board, java.time.Duration.ofSeconds(3)));
    }

    /** Tests of run-tests.py this board or host cannot run for reasons outside the firmware: left out, recorded as skipped. */
    List<TestResult> leftOut(RunContext ctx, List<String> command) {
        Optional<Path> tests = ctx.micropythonTests();
        if (tests.isEmpty() || command.stream().noneMatch(a -> a.endsWith("run-tests.py"))) {
            return List.of();
        }
        Optional<BoardIdentity> id = identity(ctx, ctx.dut());
        if (id.isEmpty()) {
            return List.of();
        }
        List<String> said = new ArrayList<>();
        List<TestResult> skipped = LeftOut.apply(tests.get(), command, id.get(), ctx.boardLeftOut(), said);
        said.forEach(ctx::log);
        return skipped;
    }

    /** A natmod test skipped for "mpy file not compiled": the reason its module was not built, when testbed built them. */
    List<TestResult> withNatmodReasons(List<TestResult> tests) {
        if (notBuilt.isEmpty()) {
            return tests;
        }
        return tests.stream().map(t -> {
            String base = t.name().substring(t.name().lastIndexOf('/') + 1);
            return t.outcome() == Outcome.SKIPPED && "mpy file not compiled".equals(t.reason())
                    ? notBuilt.entrySet().stream().filter(e -> base.startsWith(e.getKey())).findFirst()
                            .map(e -> new TestResult(t.name(), t.outcome(), t.durationSeconds(), e.getValue())).orElse(t)
                    : t;
        }).toList();
    }

}
