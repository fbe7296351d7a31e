package testbed.board;

/**
 * Who a board says it is. {@code firmware} is the version text testbed compares with {@code firmware.json}:
 * {@code <_build or _machine>;<MicroPython version>}, e.g. {@code RPI_PICO_W;3.4.0; MicroPython v1.27.0 on 2025-12-10}.
 */
public record BoardIdentity(String build, String machine, String version, String uniqueId, String platform, String mpy,
        java.util.Set<String> modules, String clockStepUs) {

    /**
     * The optional modules whose presence the query reports: what network and BLE test groups need, unittest (run-tests.py
     * stops at a test that needs it) and ssl/tls (tests that import them unguarded crash on a build without them).
     */
    public static final java.util.List<String> PROBED_MODULES = java.util.List.of("socket", "network", "bluetooth", "unittest", "ssl", "tls");

    /** Architecture names by the arch field of {@code sys.implementation._mpy}, as MicroPython's target_info.py has them. */
    private static final String[] ARCHS = {"", "x86", "x64", "armv6", "armv6m", "armv7m", "armv7em", "armv7emsp", "armv7emdp", "xtensa",
            "xtensawin", "rv32imc", "rv64imc"};

    public BoardIdentity {
        modules = java.util.Set.copyOf(modules);
    }

    /** How far {@code time.ticks_us()} moves when it moves (1 on an MCU, 1000 on the WebAssembly port); empty when unknown. */
    public java.util.OptionalLong clockStep() {
        try {
            return java.util.OptionalLong.of(Long.parseLong(clockStepUs));
        } catch (NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** The native code architecture, empty when the firmware has none (no native emitter, no dynamic native modules). */
    public String nativeArch() {
        try {
            int arch = (Integer.parseInt(mpy) >> 10) & 0x0F;
            return arch < ARCHS.length ? ARCHS[arch] : "";
        } catch (NumberFormatException e) {
            return "";
        }
    }

    public String firmware() {
        return (build.isEmpty() ? machine : build) + ";" + version;
    }

    /** Runs on old and new MicroPython alike (no f-strings, no json, no _build on old firmware). */
    static final String QUERY = String.join("\n",
            "import sys",
            "try:",
            "    import os",
            "    _u = os.uname()",
            "except Exception:",
            "    _u = None",
            "_i = sys.implementation",
            "print(getattr(_i, '_build', ''))",
            "print(getattr(_i, '_machine', '') or (_u.machine if _u else ''))",
            "print(sys.version if 'MicroPython' in sys.version or not _u else _u.version)",
            "try:",
            "    import machine, binascii",
            "    print(binascii.hexlify(machine.unique_id()).decode())",
            "except Exception:",
            "    print('')",
            "print(sys.platform)",
            "print(getattr(_i, '_mpy', ''))",
            "_m = []",
            "for _n in " + PROBED_MODULES.stream().map(m -> "'" + m + "'").collect(java.util.stream.Collectors.joining(", ", "(", ")")) + ":",
            "    try:",
            "        __import__(_n)",
            "        _m.append(_n)",
            "    except Exception:",
            "        pass",
            "print(','.join(_m))",
            "try:",
            "    import time",
            "    _t = time.ticks_us()",
            "    _c = _t",
            "    while _c == _t:",
            "        _c = time.ticks_us()",
            "    print(time.ticks_diff(_c, _t))",
            "    del _t, _c",
            "except Exception:",
            "    print('')",
            "del _u, _i, _m, _n",
            "");

    static BoardIdentity parse(String stdout) throws BoardIoException {
        String[] lines = stdout.split("\r?\n", -1);
        if (lines.length < 5) {
            throw new BoardIoException.Protocol("unexpected identity answer: " + stdout);
        }
        String mpy = lines.length > 5 ? lines[5].strip() : "";
        java.util.Set<String> modules = lines.length > 6 && !lines[6].isBlank() ? java.util.Set.of(lines[6].strip().split(",")) : java.util.Set.of();
        String step = lines.length > 7 ? lines[7].strip() : "";
        return new BoardIdentity(lines[0].strip(), lines[1].strip(), lines[2].strip(), lines[3].strip(), lines[4].strip(), mpy, modules, step);
    }
}
