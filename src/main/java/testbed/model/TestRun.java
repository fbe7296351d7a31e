package testbed.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One concrete run of a TestRunSpec that the TestBartender started: a DUT tentacle in a variant and role, plus the
 * reference tentacle when the spec needs one. Both are locked until the run completes.
 *
 * @param requeues how often this work item was requeued after infrastructure errors before this run
 * @param dutNeedsFlash the DUT does not carry this firmware as far as the bartender knows
 * @param waited what the run waited for before it could start (the USB load of its hub or host), empty if nothing
 */
public record TestRun(
        String testid,
        TestRunSpec spec,
        Tentacle dut,
        String variant,
        Role role,
        Optional<Tentacle> reference,
        boolean dutNeedsFlash,
        boolean referenceNeedsFlash,
        int requeues,
        Instant startedAt,
        Duration estimatedDuration,
        String waited) {

    public TestRun {
        Objects.requireNonNull(testid, "testid");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(waited, "waited");
    }

    public TestRun(String testid, TestRunSpec spec, Tentacle dut, String variant, Role role, Optional<Tentacle> reference, boolean dutNeedsFlash,
            boolean referenceNeedsFlash, int requeues, Instant startedAt, Duration estimatedDuration) {
        this(testid, spec, dut, variant, role, reference, dutNeedsFlash, referenceNeedsFlash, requeues, startedAt, estimatedDuration, "");
    }

    /** {@code LABEL@<serial4>-<TAG>[-<variant>][-instance0|-instance1]}, e.g. {@code RUN-PERFBENCH@2731-RPI_PICO2-RISCV}. */
    public static String testid(TestRunSpec spec, Tentacle dut, String variant, Role role) {
        StringBuilder id = new StringBuilder(spec.label()).append('@').append(dut.label());
        if (!variant.isEmpty()) {
            id.append('-').append(variant);
        }
        return id.append(role.testidSuffix()).toString();
    }

    public BoardVariant dutFirmware() {
        return dut.boardVariant(variant);
    }

    /** The work item this run does. */
    public WorkKey workKey() {
        return new WorkKey(spec.label(), dut.tag(), dutFirmware(), role);
    }

    /** The reference always runs its board's default variant. */
    public Optional<BoardVariant> referenceFirmware() {
        return reference.map(r -> r.boardVariant(""));
    }

    /** DUT first, then the reference. */
    public List<Tentacle> tentacles() {
        List<Tentacle> list = new ArrayList<>(2);
        list.add(dut);
        reference.ifPresent(list::add);
        return list;
    }
}
