package testbed.runner;

import testbed.model.RunnerSpec;

/** Runs one attempt of a test group on locked, prepared boards. */
public interface TestRunner {

    RunnerResult run(RunContext ctx) throws RunAborted;

    /** The runner for a spec's runner kind. */
    static TestRunner forSpec(RunnerSpec spec) {
        if (spec instanceof RunnerSpec.External e) {
            return new ExternalRunner(e);
        } else if (spec instanceof RunnerSpec.BuiltinTests t) {
            return new BuiltinTestsRunner(t);
        } else if (spec instanceof RunnerSpec.BuiltinPerfbench p) {
            return new BuiltinPerfbenchRunner(p);
        } else if (spec instanceof RunnerSpec.BuiltinMultitest m) {
            return new BuiltinMultitestRunner(m);
        }
        throw new IllegalArgumentException("no runner for " + spec.kind());
    }
}
