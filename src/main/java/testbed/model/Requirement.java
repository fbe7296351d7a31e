package testbed.model;

/**
 * What an external test group needs beyond its FUT, checked before its runner starts: without it the group is skipped
 * with the reason, never failed (a missing host tool or a firmware built without a feature is not a test failure).
 */
public sealed interface Requirement {

    String label();

    /** mpy-cross on the host, built from the MicroPython source ({@code --via-mpy}, the native emitter). */
    record MpyCross() implements Requirement {
        @Override
        public String label() {
            return "mpy-cross";
        }
    }

    /** A native code architecture in the firmware ({@code sys.implementation._mpy}): the native emitter, viper, natmods. */
    record NativeEmitter() implements Requirement {
        @Override
        public String label() {
            return "native-emitter";
        }
    }

    /**
     * A {@code time.ticks_us()} that moves in steps of at most 100 us: run-perfbench.py divides by each benchmark's
     * time and stops at one that took "0 us" on a coarse clock (the WebAssembly port ticks in whole milliseconds).
     */
    record MicrosecondClock() implements Requirement {
        @Override
        public String label() {
            return "microsecond-clock";
        }
    }

    /**
     * The native modules of {@code examples/natmod}, built for the board's architecture from the MicroPython source
     * (run-natmodtests.py loads them from {@code ../examples/natmod}); needs a native architecture and mpy-cross.
     */
    record NatMods() implements Requirement {
        @Override
        public String label() {
            return "natmods";
        }
    }

    /**
     * The internet: the tests reach public servers (net_inet/). Checked on this host (it resolves a public name): a board
     * on the host's network reaches what the host reaches, and a lab without it is usually a lab offline.
     */
    record Internet() implements Requirement {
        @Override
        public String label() {
            return "internet";
        }
    }

    /** A module every board of the run must have, e.g. {@code socket} for network tests, {@code bluetooth} for BLE. */
    record Module(String name) implements Requirement {
        @Override
        public String label() {
            return "module:" + name;
        }
    }

    /** @throws IllegalArgumentException naming the valid forms */
    static Requirement parse(String text) {
        if (text.equals("mpy-cross")) {
            return new MpyCross();
        }
        if (text.equals("native-emitter")) {
            return new NativeEmitter();
        }
        if (text.equals("microsecond-clock")) {
            return new MicrosecondClock();
        }
        if (text.equals("natmods")) {
            return new NatMods();
        }
        if (text.equals("internet")) {
            return new Internet();
        }
        if (text.startsWith("module:") && text.substring(7).matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return new Module(text.substring(7));
        }
        throw new IllegalArgumentException("unknown requirement \"" + text + "\" (valid: mpy-cross, native-emitter, microsecond-clock, natmods, internet, module:NAME)");
    }
}
