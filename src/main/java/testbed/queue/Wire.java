package testbed.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import testbed.bartender.RunOutcome;
import testbed.model.BoardVariant;
import testbed.model.InvalidInputException;
import testbed.model.Role;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;
import testbed.results.AtomicJson;
import testbed.results.AttemptRecord;
import testbed.results.RunReport;
import testbed.results.Xfail;

/**
 * What travels through the queue's tables as JSON: a run as a ticket (names, not objects: each side rebuilds the
 * TestRun from its own inventory and test groups), a finished run's report, a tentacle, a session's settings.
 */
final class Wire {

    private static final ObjectMapper JSON = AtomicJson.MAPPER.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    private Wire() {}

    /** What leases a tentacle: a TestRun, or a health probe of an idle board ({@code --health-every}). */
    enum Work { RUN, PROBE }

    /**
     * A firmware image by content: what an agent flashes, taken from its own {@code firmware/} when that has these
     * bytes, else fetched from the queue by {@code sha256}.
     *
     * @param version the text the board reports once flashed (known: the coordinator built or read it before the lease)
     */
    record Image(@JsonProperty("board_variant") String boardVariant, String version, String sha256, @JsonProperty("file_name") String fileName) {}

    /**
     * A TestRun by name (or a probe: {@code work}, with only {@code dut}): each side rebuilds the run from its own
     * inventory and test groups; the images it may flash travel by content.
     */
    record Ticket(String testid, String spec, String dut, String variant, Role role, String reference,
            @JsonProperty("dut_needs_flash") boolean dutNeedsFlash, @JsonProperty("reference_needs_flash") boolean referenceNeedsFlash,
            int requeues, @JsonProperty("started_at") String startedAt, @JsonProperty("estimated_ms") long estimatedMillis, Work work,
            List<Image> images) {

        Ticket {
            work = work == null ? Work.RUN : work;
            images = images == null ? List.of() : List.copyOf(images);
        }

        static Ticket of(TestRun run, List<Image> images) {
            return new Ticket(run.testid(), run.spec().label(), run.dut().serial(), run.variant(), run.role(),
                    run.reference().map(Tentacle::serial).orElse(null), run.dutNeedsFlash(), run.referenceNeedsFlash(), run.requeues(),
                    run.startedAt().toString(), run.estimatedDuration().toMillis(), Work.RUN, images);
        }

        /** A health probe of an idle tentacle: does its MicroPython answer? */
        static Ticket probe(Tentacle t, Instant at) {
            return new Ticket("health-probe@" + t.label(), "", t.serial(), "", Role.SINGLE, null, false, false, 0, at.toString(), 3000, Work.PROBE,
                    List.of());
        }

        /** The run again, from the tentacles and groups this side knows; an unknown name is an input error. */
        TestRun toRun(Function<String, Optional<Tentacle>> tentacles, Function<String, Optional<TestRunSpec>> specs) {
            Tentacle d = tentacles.apply(dut).orElseThrow(() -> new InvalidInputException("run " + testid + ": tentacle " + dut + " is not on this host"));
            Optional<Tentacle> r = Optional.ofNullable(reference).map(s -> tentacles.apply(s)
                    .orElseThrow(() -> new InvalidInputException("run " + testid + ": reference tentacle " + s + " is not on this host")));
            TestRunSpec s = specs.apply(spec).orElseThrow(() -> new InvalidInputException("run " + testid + ": test group " + spec + " not in testrunspecs/"));
            if (!d.variants().contains(variant)) {
                throw new InvalidInputException("run " + testid + ": tentacle " + d.label() + " has no variant '" + variant + "' in this host's lab file");
            }
            // The test id names the run's folders on this host: it must be the one its own group, board and role make, never a path.
            String expected = TestRun.testid(s, d, variant, role);
            if (!expected.equals(testid)) {
                throw new InvalidInputException("run " + testid + ": not the test id of " + spec + " on " + d.label() + " (" + expected + "): refused");
            }
            return new TestRun(testid, s, d, variant, role, r, dutNeedsFlash, referenceNeedsFlash, requeues, Instant.parse(startedAt),
                    Duration.ofMillis(estimatedMillis));
        }

        List<String> serials() {
            return reference == null ? List.of(dut) : List.of(dut, reference);
        }
    }

    /** A RunReport without its TestRun (the lease names it). {@code outcome}: ran, busy, infra, or probe ({@code testsFailed}: no answer). */
    record Report(String outcome, @JsonProperty("tests_failed") boolean testsFailed, String kind, Set<String> serials, String message,
            List<AttemptRecord> attempts, Map<String, String> firmware) {

        /** A probe's answer: whether the board's MicroPython answered. */
        static Report probe(boolean answered) {
            return new Report("probe", !answered, null, Set.of(), null, List.of(), Map.of());
        }

        boolean answered() {
            return outcome.equals("probe") && !testsFailed;
        }

        static Report of(RunReport r) {
            Map<String, String> fw = new HashMap<>();
            r.firmware().forEach((serial, bv) -> fw.put(serial, bv.map(BoardVariant::name).orElse(null)));
            RunOutcome o = r.outcome();
            if (o instanceof RunOutcome.Ran ran) {
                return new Report("ran", ran.testsFailed(), null, Set.of(), null, r.attempts(), fw);
            }
            if (o instanceof RunOutcome.Busy busy) {
                return new Report("busy", false, null, busy.busySerials(), null, r.attempts(), fw);
            }
            RunOutcome.InfraError e = (RunOutcome.InfraError) o;
            return new Report("infra", false, e.kind().name(), e.blamedSerials(), e.message(), r.attempts(), fw);
        }

        RunReport toReport(TestRun run) {
            RunOutcome o = switch (outcome) {
                case "ran" -> new RunOutcome.Ran(testsFailed);
                case "busy" -> new RunOutcome.Busy(serials);
                default -> new RunOutcome.InfraError(RunOutcome.InfraErrorKind.valueOf(kind), serials, message);
            };
            Map<String, Optional<BoardVariant>> fw = new HashMap<>();
            if (firmware != null) {
                firmware.forEach((serial, bv) -> fw.put(serial, Optional.ofNullable(bv).map(BoardVariant::parse)));
            }
            return new RunReport(run, o, attempts == null ? List.of() : attempts, fw);
        }
    }

    /**
     * What an agent needs to run a session's runs as a local session would.
     *
     * @param micropython the source as the coordinator gave it, its commit (a moved branch must not change what runs)
     *     and its tests folder (for a source given as a tests folder only)
     * @param commands test group label → the command that replaces its runner ({@code --only-test LABEL:COMMAND})
     */
    record SessionSettings(String session, int count, @JsonProperty("flash_skip") boolean flashSkip,
            @JsonProperty("flash_force") boolean flashForce, @JsonProperty("micropython_origin") String micropythonOrigin,
            @JsonProperty("micropython_commit") String micropythonCommit, @JsonProperty("micropython_tests") String micropythonTests,
            @JsonProperty("micropython_has_root") boolean micropythonHasRoot, Xfail xfail, Map<String, String> commands) {}

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("queue: unreadable " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
