package testbed.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import testbed.bartender.Leftover;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.session.PlanRequest;
import testbed.session.Planner;
import testbed.engine.Timeline;

/** Prints a dry-run plan: runs in start order with times relative to the session start, then the leftovers. */
final class PlanRenderer {

    private PlanRenderer() {}

    static void render(Planner.Plan plan, testbed.app.Runs.RunRequest request, PrintWriter out) {
        Timeline sim = plan.timeline();
        out.printf("Plan for lab '%s': %d tentacles to test, %d test groups, jobs %s (estimated durations, flashes as long as their programmer takes)%n",
                plan.lab().name(), plan.selection().duts().size(), plan.selection().specs().size(),
                request.config().jobs() == 0 ? "unlimited" : String.valueOf(request.config().jobs()));
        request.config().deadline().ifPresent(d -> out.printf(java.util.Locale.ROOT,
                "Time box: until %s; a run starts only if its estimate x %.2f (plus its flashes) ends by then; runs still going %d min after it are stopped%n",
                d.label(), d.safetyFactor(), request.session().grace().toMinutes()));
        out.printf("Firmware on the boards at the start (%s): %s%n%n", plan.carriedFrom(), plan.carried().isEmpty() ? "none known"
                : plan.selection().duts().stream().filter(t -> plan.carried().containsKey(t.serial()))
                        .map(t -> t.label() + " " + plan.carried().get(t.serial()).name()).collect(Collectors.joining(", ")));
        plan.firmwareNotFromSource().forEach(line -> out.printf("Warning: %s%n", line));
        if (!plan.firmwareNotFromSource().isEmpty()) {
            out.println();
        }
        if (!sim.builds().isEmpty()) {
            Table builds = new Table("start", "end", "firmware build");
            sim.builds().forEach(b -> builds.row(clock(sim.start(), b.start()), clock(sim.start(), b.end()), b.firmware().name()));
            builds.print(out, "  ");
            out.println();
        }
        boolean waits = sim.runs().stream().anyMatch(r -> !r.run().waited().isEmpty());
        Table runs = waits ? new Table("#", "start", "end", "testid", "tentacles", "firmware", "waited")
                : new Table("#", "start", "end", "testid", "tentacles", "firmware");
        int n = 0;
        for (Timeline.Entry r : sim.runs()) {
            TestRun run = r.run();
            List<Object> row = new ArrayList<>(List.of(++n, clock(sim.start(), r.start()), clock(sim.start(), r.end().orElse(r.start())), run.testid(),
                    run.tentacles().stream().map(Tentacle::label).collect(Collectors.joining(" + ")), firmware(run)));
            if (waits) {
                row.add(run.waited());
            }
            runs.row(row.toArray());
        }
        if (runs.isEmpty()) {
            out.println("  Nothing can run.");
        } else {
            runs.print(out, "  ");
        }
        plan.todaysRule().ifPresent(today -> out.printf("%nTime box: %d runs finish before the deadline; started in rank order and cut at the end "
                + "(no time box), %d would (%+d)%n", sim.runs().size(), today, sim.runs().size() - today));
        out.printf("%n%d run%s, %d flash%s, expected duration %s%s%n", sim.runs().size(), sim.runs().size() == 1 ? "" : "s", sim.flashes(),
                sim.flashes() == 1 ? "" : "es", hms(sim.makespan()), waits ? "; " + sim.runs().stream().filter(r -> !r.run().waited().isEmpty()).count()
                        + " waited for USB load (usb_load in the lab file)" : "");
        if (!plan.leftovers().isEmpty()) {
            out.printf("%nLeft over (%d):%n", plan.leftovers().size());
            renderLeftovers(plan.leftovers(), out);
        }
    }

    /** Spec-wide leftovers with the same reason are folded into one line; they would only repeat themselves. */
    static void renderLeftovers(List<Leftover> leftovers, PrintWriter out) {
        Table left = new Table("test group", "work item", "reason");
        Map<String, List<String>> folded = new LinkedHashMap<>();
        for (Leftover l : leftovers) {
            String reason = l.reason().text() + (l.detail().isEmpty() ? "" : ": " + l.detail());
            if (l.item().isEmpty()) {
                folded.computeIfAbsent(reason, k -> new ArrayList<>()).add(l.spec());
            } else {
                left.row(l.spec(), l.item(), reason);
            }
        }
        if (!left.isEmpty()) {
            left.print(out, "  ");
        }
        folded.forEach((reason, specs) -> out.printf("  %s%n    %s%n", reason, String.join(", ", specs)));
    }

    private static String firmware(TestRun run) {
        String dut = run.dutFirmware().name() + (run.dutNeedsFlash() ? " (flash)" : "");
        return run.referenceFirmware()
                .map(r -> dut + " + " + r.name() + (run.referenceNeedsFlash() ? " (flash)" : ""))
                .orElse(dut);
    }

    private static String clock(Instant start, Instant t) {
        return hms(Duration.between(start, t));
    }

    static String hms(Duration d) {
        long s = d.toSeconds();
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
