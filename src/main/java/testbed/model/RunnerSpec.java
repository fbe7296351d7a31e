package testbed.model;

import java.util.List;
import java.util.Map;

/** How a TestRunSpec's test is executed. A closed set: each kind has its runner in the execution layer. */
public sealed interface RunnerSpec {

    String kind();

    /** The built-in suite folder (relative to testrunspecs/), for the built-in kinds. */
    default java.util.Optional<String> suiteFolder() {
        return java.util.Optional.empty();
    }

    /**
     * An external program, normally one of MicroPython's own runners (run-tests.py, run-perfbench.py,
     * run-multitests.py, run-natmodtests.py). The command may use placeholders: {@code {python}}, {@code {tests}}
     * (the MicroPython tests dir), {@code {dut}}, {@code {reference}} (device ports), {@code {resultdir}}.
     */
    record External(List<String> command, Map<String, String> env, List<Requirement> requires) implements RunnerSpec {
        public static final String KIND = "external";

        public External {
            command = List.copyOf(command);
            env = Map.copyOf(env);
            requires = List.copyOf(requires);
        }

        public External(List<String> command, Map<String, String> env) {
            this(command, env, List.of());
        }

        @Override
        public String kind() {
            return KIND;
        }

        /**
         * The same runner on these tests only (names as the results give them, from {@code tests/}: {@code basics/int_big.py};
         * a glob such as {@code basics/string*.py} too): the spec's own test files and globs make way for them. What a
         * confirmation rerun or a bisect step runs. MicroPython's runners all take test files as their last arguments.
         */
        public External onlyTests(List<String> tests) {
            List<String> c = new java.util.ArrayList<>(command.stream()
                    .filter(a -> !a.startsWith("{tests}/") || !a.endsWith(".py") || a.matches("\\{tests}/run-[a-z]+\\.py")).toList());
            tests.forEach(t -> c.add("{tests}/" + t));
            return new External(c, env, requires);
        }

        /** True when the command needs MicroPython's test tree ({@code --micropython-tests}). */
        public boolean needsMicropythonTests() {
            return command.stream().anyMatch(a -> a.contains("{tests}"));
        }
    }

    /** Built-in: every {@code .py} in {@code suite} runs on the DUT through the raw REPL and is compared with its {@code .exp}. */
    record BuiltinTests(String suite, double perTestTimeoutSeconds) implements RunnerSpec {
        @Override
        public java.util.Optional<String> suiteFolder() {
            return java.util.Optional.of(suite);
        }

        public static final String KIND = "builtin-tests";

        @Override
        public String kind() {
            return KIND;
        }
    }

    /** Built-in: benchmark scripts timed on the board with {@code time.ticks_us}, repeated. */
    record BuiltinPerfbench(String suite, int repeat, List<Integer> params) implements RunnerSpec {
        @Override
        public java.util.Optional<String> suiteFolder() {
            return java.util.Optional.of(suite);
        }

        public static final String KIND = "builtin-perfbench";

        public BuiltinPerfbench {
            params = List.copyOf(params);
        }

        @Override
        public String kind() {
            return KIND;
        }
    }

    /** Built-in: two-instance scripts run concurrently on the DUT and the reference, synchronised by the host. */
    record BuiltinMultitest(String suite, double perTestTimeoutSeconds) implements RunnerSpec {
        @Override
        public java.util.Optional<String> suiteFolder() {
            return java.util.Optional.of(suite);
        }

        public static final String KIND = "builtin-multitest";

        @Override
        public String kind() {
            return KIND;
        }
    }
}
