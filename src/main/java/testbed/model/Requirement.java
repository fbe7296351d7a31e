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
        if (text.startsWith("module:") && text.substring(7).matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return new Module(text.substring(7));
        }
        throw new IllegalArgumentException("unknown requirement \"" + text + "\" (valid: mpy-cross, native-emitter, module:NAME)");
    }
}
