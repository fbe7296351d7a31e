package testbed.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import testbed.bartender.SchedulingPolicy;
import testbed.bench.DecisionBenchmark;

/** {@code testbed bench}: measurements that must not live in timed unit tests. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks: schedule quality of whole labs, decision time, raw-REPL upload rate.",
        subcommands = {BenchCommand.Schedule.class, BenchCommand.Decide.class, BenchCommand.Upload.class, BenchCommand.Queue.class,
            HistoryBench.class, ServeBench.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing benchmark: schedule, decide, upload, queue, history or serve");
    }

    @Command(name = "schedule", mixinStandardHelpOptions = true,
            description = {"Simulate whole lab sessions with the real bartenders on a simulated clock: makespan against a lower bound, "
                    + "the anchor's rule side by side, flashes, utilisation and decision time.",
                    "Reference labs: small (5 tentacles), anchor (20, like ch_hans_1), large (200)."})
    static final class Schedule implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--lab-model", paramLabel = "NAME|PATH", description = "small, anchor, large or a model file (repeatable; default: all three).")
        java.util.List<String> labs = new java.util.ArrayList<>();

        @Option(names = "--policy", paramLabel = "POLICY", description = "TESTBED, ANCHOR or both (repeatable; default: both, side by side).")
        java.util.List<SchedulingPolicy> policies = new java.util.ArrayList<>();

        @Option(names = "--seed", defaultValue = "1", description = "Seed of durations, failures and errors (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--count", defaultValue = "1", description = "As testbed run --count: repeat groups with failures (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = {"-j", "--jobs"}, defaultValue = "0", description = "At most N runs at once, 0 = no limit (default: ${DEFAULT-VALUE}).")
        int jobs;

        @Option(names = "--json", description = "One JSON document with every result, for machines.")
        boolean json;

        @Option(names = "--usb-per-hub", paramLabel = "N", defaultValue = "0",
                description = "Flashes at once per USB hub (as usb_load.per_hub in a lab file); compared with no limit (default: ${DEFAULT-VALUE}, none).")
        int usbPerHub;

        @Option(names = "--usb-per-host", paramLabel = "N", defaultValue = "0",
                description = "Flashes at once on the host (as usb_load.per_host); compared with no limit (default: ${DEFAULT-VALUE}, none).")
        int usbPerHost;

        @Option(names = "--usb-quiet-hubs", description = "No test runs on a hub while one of its boards is flashed (as usb_load.quiet_hubs).")
        boolean usbQuiet;

        @Option(names = "--tentacles-per-hub", paramLabel = "N", defaultValue = "7",
                description = "With a USB limit: tentacles per hub, in the model's order (default: ${DEFAULT-VALUE}).")
        int tentaclesPerHub;

        /** --budget 2h: work items finished in time by today's rule and by the deadline-aware bartender, side by side. */
        @picocli.CommandLine.Mixin
        TimeBoxOptions time = new TimeBoxOptions();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            java.util.List<String> labNames = labs.isEmpty() ? testbed.bench.LabModel.REFERENCE_LABS : labs;
            if (time.until != null) {
                throw new testbed.model.InvalidInputException("--until: a benchmark's session has no wall clock; give --budget");
            }
            if (time.budget != null) {
                String budget = time.budget;
                String grace = time.grace != null ? time.grace : "10m";
                java.time.Duration b = testbed.app.TimeBox.duration("--budget", budget);
                java.time.Duration g = testbed.app.TimeBox.duration("--grace", grace);
                Table t = new Table("lab", "budget", "work items", "today's rule: finished", "cut", "deadline-aware: finished", "cut", "left over",
                        "gain");
                for (String name : labNames) {
                    var r = testbed.bench.TimeBoxBenchmark.run(testbed.bench.LabModel.load(name), seed, count, jobs, b, g);
                    t.row(r.lab(), budget, r.workItems(), r.todaysRule().finished(), r.todaysRule().cut(), r.deadlineAware().finished(),
                            r.deadlineAware().cut(), r.deadlineAware().leftOver(), String.format("%+d", r.gain()));
                }
                out.printf("time-boxed sessions, seed %d, grace %s: work items finished by the deadline plus the grace%n%n", seed, grace);
                t.print(out, "");
                return ExitCodes.OK;
            }
            java.util.List<SchedulingPolicy> order = policies.isEmpty() ? java.util.List.of(SchedulingPolicy.TESTBED, SchedulingPolicy.ANCHOR) : policies;
            if (usbPerHub < 0 || usbPerHost < 0 || tentaclesPerHub < 1) {
                throw new testbed.model.InvalidInputException("--usb-per-hub and --usb-per-host must be 0 (no limit) or more, --tentacles-per-hub at least 1");
            }
            if (usbPerHub > 0 || usbPerHost > 0 || usbQuiet) {
                return usbLoad(out, labNames, order);
            }
            java.util.List<testbed.bench.ScheduleBenchmark.Result> results = new java.util.ArrayList<>();
            for (String name : labNames) {
                testbed.bench.LabModel model = testbed.bench.LabModel.load(name);
                for (SchedulingPolicy p : order) {
                    results.add(testbed.bench.ScheduleBenchmark.run(model, new testbed.bench.ScheduleBenchmark.Settings(p, seed, count, jobs)));
                }
            }
            if (json) {
                var mapper = new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules()
                        .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
                java.util.List<java.util.Map<String, Object>> docs = new java.util.ArrayList<>();
                for (var r : results) {
                    java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
                    d.put("lab", r.lab());
                    d.put("tentacles", r.tentacles());
                    d.put("policy", r.policy().name().toLowerCase());
                    d.put("seed", r.seed());
                    d.put("makespan_s", r.makespan().toMillis() / 1000.0);
                    d.put("bound_s", r.bound().toMillis() / 1000.0);
                    d.put("bound_reason", r.boundReason());
                    d.put("ratio", r.ratio());
                    d.put("runs", r.runs());
                    d.put("flashes", r.flashes());
                    d.put("builds", r.builds());
                    d.put("infrastructure_errors", r.infraErrors());
                    d.put("leftovers", r.leftovers());
                    d.put("utilisation", r.utilisation());
                    d.put("decisions", r.decisions());
                    d.put("decision_median_us", r.decisionMedianMicros());
                    d.put("decision_p99_us", r.decisionP99Micros());
                    d.put("record_bytes_per_run_by_quarter", r.recordBytesPerRun());
                    d.put("wall_time_s", r.wallTime().toMillis() / 1000.0);
                    docs.add(d);
                }
                out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(java.util.Map.of("results", docs)));
                return ExitCodes.OK;
            }
            Table table = new Table("lab", "tentacles", "policy", "makespan", "bound", "ratio", "vs anchor", "flashes", "builds", "infra errors",
                    "leftovers", "utilisation", "decision median/p99", "wall time");
            for (var r : results) {
                var anchor = results.stream().filter(x -> x.lab().equals(r.lab()) && x.policy() == SchedulingPolicy.ANCHOR).findFirst();
                String vs = anchor.isEmpty() || r.policy() == SchedulingPolicy.ANCHOR ? ""
                        : String.format("%+.1f%%", 100.0 * (r.makespan().toMillis() - anchor.get().makespan().toMillis()) / anchor.get().makespan().toMillis());
                table.row(r.lab(), String.valueOf(r.tentacles()), r.policy().name().toLowerCase(), PlanRenderer.hms(r.makespan()),
                        PlanRenderer.hms(r.bound()), String.format("%.3f", r.ratio()), vs, String.valueOf(r.flashes()), String.valueOf(r.builds()),
                        String.valueOf(r.infraErrors()), String.valueOf(r.leftovers()), String.format("%.0f%%", 100 * r.meanUtilisation()),
                        String.format("%.1f/%.1f us", r.decisionMedianMicros(), r.decisionP99Micros()), String.format("%.2f s", r.wallTime().toMillis() / 1000.0));
            }
            out.printf("schedule benchmark, seed %d, --count %d, --jobs %d%n%n", seed, count, jobs);
            table.print(out, "");
            out.println();
            for (var r : results) {
                out.printf("%s/%s: the bound is set by the %s%n", r.lab(), r.policy().name().toLowerCase(), r.boundReason());
            }
            out.println();
            for (var r : results) {
                out.printf("%s/%s: session records written per finished run, by quarter of the session: %s bytes%n", r.lab(),
                        r.policy().name().toLowerCase(), r.recordBytesPerRun());
            }
            return ExitCodes.OK;
        }

        /** Each lab and policy without and with the USB limits: what the limit costs in makespan, and how many runs waited. */
        private int usbLoad(PrintWriter out, java.util.List<String> labNames, java.util.List<SchedulingPolicy> order) {
            Table t = new Table("lab", "tentacles", "hubs", "policy", "makespan, no limit", "with the limit", "change", "flashes", "runs waited",
                    "waited in all");
            for (String name : labNames) {
                for (SchedulingPolicy p : order) {
                    var c = testbed.bench.ScheduleBenchmark.usbCost(testbed.bench.LabModel.load(name), p, seed, count, jobs, usbPerHost, usbPerHub,
                            usbQuiet, tentaclesPerHub);
                    t.row(c.lab(), String.valueOf(c.tentacles()), String.valueOf(c.hubs()), p.name().toLowerCase(), PlanRenderer.hms(c.free().makespan()),
                            PlanRenderer.hms(c.limited().makespan()), String.format("%+.1f%%", c.changePercent()),
                            c.free().flashes() + " / " + c.limited().flashes(), c.limited().usbWaits().runs() + " of " + c.limited().runs(),
                            PlanRenderer.hms(c.limited().usbWaits().total()));
                }
            }
            out.printf("USB load, seed %d, --count %d, --jobs %d: %s flash%s at once per hub of %d tentacles, %s per host%s%n%n", seed, count, jobs,
                    usbPerHub == 0 ? "any" : String.valueOf(usbPerHub), usbPerHub == 1 ? "" : "es", tentaclesPerHub,
                    usbPerHost == 0 ? "any" : String.valueOf(usbPerHost), usbQuiet ? ", no test on a hub while it flashes" : "");
            t.print(out, "");
            return ExitCodes.OK;
        }
    }

    @Command(name = "decide", mixinStandardHelpOptions = true,
            description = "Median and p99 time of one scheduling decision over whole simulated sessions of a synthetic lab.")
    static final class Decide implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tentacles", defaultValue = "200", description = "Tentacles (default: ${DEFAULT-VALUE}).")
        int tentacles;

        @Option(names = "--specs", defaultValue = "20", description = "Test groups (default: ${DEFAULT-VALUE}).")
        int specs;

        @Option(names = "--variants", defaultValue = "4", description = "Variants per board (default: ${DEFAULT-VALUE}).")
        int variants;

        @Option(names = "--sessions", defaultValue = "5", description = "Measured sessions after 3 warm-up sessions (default: ${DEFAULT-VALUE}).")
        int sessions;

        @Option(names = "--policy", defaultValue = "TESTBED", description = "Scheduling policy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        SchedulingPolicy policy;

        @Override
        public Integer call() {
            var r = DecisionBenchmark.run(tentacles, specs, variants, 3, sessions, policy);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("decision time, %d tentacles x %d specs x %d variants, policy %s, %d decisions:%n",
                    r.tentacles(), r.specs(), r.variants(), policy, r.decisions());
            out.printf("  median %.1f us, p99 %.1f us, max %.1f us%n", r.medianMicros(), r.p99Micros(), r.maxMicros());
            return ExitCodes.OK;
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = "Raw-REPL upload rate of a script vs the plain byte rate of the same board (default: 64 KiB on the first answering tentacle).")
    static final class Upload implements Callable<Integer> {
        private final testbed.config.Workspace workspace;

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        LabOptions lab;

        @Option(names = "--tentacle", paramLabel = "LABEL|SERIAL", description = "The board to measure (default: the first that answers).")
        String tentacle;

        @Option(names = "--size", defaultValue = "65536", description = "Bytes per transfer (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--repeat", defaultValue = "5", description = "Transfers of each kind; the median counts (default: ${DEFAULT-VALUE}).")
        int repeat;

        Upload(testbed.config.Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            testbed.app.Benchmarks.Upload u = testbed.app.Benchmarks.upload(workspace, lab.lab(workspace), java.util.Optional.ofNullable(tentacle), size,
                    repeat);
            testbed.bench.UploadBenchmark.Result r = u.result();
            out.printf("upload benchmark on %s (%s), %d bytes, median of %d:%n", u.board(), u.where(), r.bytes(), r.repeats());
            out.printf(Double.isNaN(r.plainKiBps()) ? "  plain byte rate        n/a (the board has no sys.stdin)%n" : "  plain byte rate   %8.1f KiB/s%n",
                    r.plainKiBps());
            out.printf("  raw-REPL upload   %8.1f KiB/s (%s)%n", r.rawPasteKiBps(), r.rawPaste() ? "raw-paste" : "standard raw mode");
            if (!Double.isNaN(r.ratio())) {
                out.printf("  ratio             %8.2f%n", r.ratio());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "queue", mixinStandardHelpOptions = true,
            description = {"The multi-host queue through a real PostgreSQL: simulated agents (threads with their own connections) end each run "
                    + "at once, a coordinator leases the next run to each tentacle as soon as it is free.",
                    "Dispatch latency (tentacle free → next run claimed, median and p99; target: median ≤ 100 ms on loopback) and claims per second."})
    static final class Queue implements Callable<Integer> {
        private final testbed.config.Workspace workspace;

        @Spec
        CommandSpec spec;

        @Option(names = "--queue", required = true, paramLabel = "JDBC_URL", description = "A PostgreSQL database (its queue tables are used; "
                + "the benchmark's rows are removed after).")
        String queue;

        @Option(names = "--agents", defaultValue = "10", description = "Simulated agents (default: ${DEFAULT-VALUE}).")
        int agents;

        @Option(names = "--tentacles", defaultValue = "200", description = "Tentacles, spread over the agents (default: ${DEFAULT-VALUE}).")
        int tentacles;

        @Option(names = "--runs", defaultValue = "2000", description = "Runs to dispatch per phase (default: ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--run-ms", defaultValue = "2000", description = "How long a simulated run lasts in the latency phase (default: ${DEFAULT-VALUE}).")
        int runMillis;

        Queue(testbed.config.Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public Integer call() throws Exception {
            if (agents < 1 || tentacles < agents || runs < tentacles) {
                throw new testbed.model.InvalidInputException("bench queue: need 1 <= --agents <= --tentacles <= --runs");
            }
            PrintWriter out = spec.commandLine().getOut();
            // Latency with runs that take time (as real ones do), so the coordinator is not the queue; then the lab saturated, for throughput.
            testbed.queue.QueueBenchmark.Result r = testbed.queue.QueueBenchmark.run(queue, workspace.settings(), agents, tentacles / agents, runs, runMillis);
            out.printf("bench queue: %d agents, %d tentacles, %d runs of %d ms (+-50%%) in %.1f s%n", r.agents(), r.tentacles(), r.runs(), runMillis, r.seconds());
            out.printf("  dispatch latency:   median %.1f ms, p99 %.1f ms, max %.1f ms (tentacle free -> next run claimed, through the database)%n",
                    r.medianMillis(), r.p99Millis(), r.maxMillis());
            out.printf("  target median <= 100 ms: %s%n", r.medianMillis() <= 100 ? "met" : "NOT met");
            testbed.queue.QueueBenchmark.Result s = testbed.queue.QueueBenchmark.run(queue, workspace.settings(), agents, tentacles / agents, runs, 0);
            out.printf("saturated (runs end at once): %d runs in %.1f s: %.0f claims per second; dispatch latency median %.1f ms, p99 %.1f ms%n",
                    s.runs(), s.seconds(), s.claimsPerSecond(), s.medianMillis(), s.p99Millis());
            return ExitCodes.OK;
        }
    }
}
