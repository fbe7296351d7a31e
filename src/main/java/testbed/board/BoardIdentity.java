package testbed.board;

/**
 * Who a board says it is. {@code firmware} is the version text testbed compares with {@code firmware.json}:
 * {@code <_build or _machine>;<MicroPython version>}, e.g. {@code RPI_PICO_W;3.4.0; MicroPython v1.27.0 on 2025-12-10}.
 */
public record BoardIdentity(String build, String machine, String version, String uniqueId, String platform) {

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
            "del _u, _i",
            "");

    static BoardIdentity parse(String stdout) throws BoardIoException {
        String[] lines = stdout.split("\r?\n", -1);
        if (lines.length < 5) {
            throw new BoardIoException.Protocol("unexpected identity answer: " + stdout);
        }
        return new BoardIdentity(lines[0].strip(), lines[1].strip(), lines[2].strip(), lines[3].strip(), lines[4].strip());
    }
}
