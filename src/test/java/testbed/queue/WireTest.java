package testbed.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.bartender.RunOutcome;
import testbed.model.BoardVariant;
import testbed.model.Connection;
import testbed.model.Fut;
import testbed.model.InvalidInputException;
import testbed.model.Programmer;
import testbed.model.Role;
import testbed.model.RunnerSpec;
import testbed.model.Tentacle;
import testbed.model.TestRun;
import testbed.model.TestRunSpec;
import testbed.results.RunReport;

/** What travels through the queue's tables: each side must rebuild exactly what the other meant. */
class WireTest {

    @TempDir
    Path dir;

    private static final Tentacle PICO = new Tentacle("e66038b7131d2731", "RPI_PICO", "RPI_PICO", "rp2", Set.of(Fut.FUT_MCU_ONLY, Fut.FUT_EXTMOD_HARDWARE),
            List.of(""), new Programmer("picotool", List.of("--force")), 1.5, Map.of("room", "lab-1"),
            new Connection("virtual", Map.of("faults", Map.of("slow_boot_s", 2))), List.of("125", "64"));
    private static final Tentacle PICO_W = new Tentacle("e66038b7131d0001", "RPI_PICO_W", "RPI_PICO_W", "rp2", Set.of(Fut.FUT_WLAN), List.of(""),
            new Programmer("picotool", List.of()), 0, Map.of(), new Connection("usb", Map.of()));
    private static final TestRunSpec MULTINET = new TestRunSpec("RUN-MULTITESTS_MULTINET", "", new RunnerSpec.External(List.of("true"), Map.of()),
            Fut.FUT_WLAN, true, 300, 0, java.util.OptionalDouble.empty(), Path.of("x.json"));

    @Test
    void aTicketWhoseTestIdIsNotTheRunsOwnIsRefusedSoNoRowOfTheQueueNamesAFolderOutsideResults() {
        // Finding 1 of issue 20: a crafted lease's test id became a path on the agent.
        Map<String, Tentacle> inventory = Map.of(PICO.serial(), PICO, PICO_W.serial(), PICO_W);
        for (String crafted : List.of("../../../tmp/evil", "RUN-MULTITESTS_MULTINET@0001-RPI_PICO_W-instance0", "x/y")) {
            TestRun run = new TestRun(crafted, MULTINET, PICO_W, "", Role.INSTANCE1, Optional.of(PICO), true, false, 0, Instant.EPOCH, Duration.ZERO);
            Wire.Ticket ticket = Wire.read(Wire.write(Wire.Ticket.of(run, List.of())), Wire.Ticket.class);
            assertThatThrownBy(() -> ticket.toRun(s -> Optional.ofNullable(inventory.get(s)), l -> Optional.of(MULTINET)))
                    .isInstanceOf(testbed.model.InvalidInputException.class).hasMessageContaining("not the test id of RUN-MULTITESTS_MULTINET on 0001-RPI_PICO_W");
        }
        TestRun otherVariant = new TestRun("RUN-MULTITESTS_MULTINET@0001-RPI_PICO_W-X-instance1", MULTINET, PICO_W, "X", Role.INSTANCE1,
                Optional.of(PICO), true, false, 0, Instant.EPOCH, Duration.ZERO);
        Wire.Ticket ticket = Wire.read(Wire.write(Wire.Ticket.of(otherVariant, List.of())), Wire.Ticket.class);
        assertThatThrownBy(() -> ticket.toRun(s -> Optional.ofNullable(inventory.get(s)), l -> Optional.of(MULTINET)))
                .hasMessageContaining("has no variant 'X' in this host's lab file");
        // And results/ itself takes a test id as a folder name only.
        try (testbed.results.ResultsDir results = new testbed.results.ResultsDir(dir.resolve("results"))) {
            assertThatThrownBy(() -> results.nextAttemptDir("../evil")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a test id");
            assertThat(results.nextAttemptDir("BUILTIN-TESTS_BASICS@2a01-RPI_PICO2-RISCV")).endsWith(Path.of("BUILTIN-TESTS_BASICS@2a01-RPI_PICO2-RISCV,a"));
        }
    }

    @Test
    void aTentacleSurvivesTheRoundTrip() {
        assertThat(Wire.read(Wire.write(PICO), Tentacle.class)).isEqualTo(PICO);
    }

    @Test
    void aTicketRebuildsTheSameRunFromTheOtherSidesInventory() {
        TestRun run = new TestRun("RUN-MULTITESTS_MULTINET@0001-RPI_PICO_W-instance1", MULTINET, PICO_W, "", Role.INSTANCE1, Optional.of(PICO), true, false, 2,
                Instant.parse("2026-12-02T09:00:00Z"), Duration.ofSeconds(300));
        Wire.Image image = new Wire.Image("RPI_PICO_W", "RPI_PICO_W;3.4.0; MicroPython v1.27.0", "ab".repeat(32), "firmware.uf2");
        Wire.Ticket ticket = Wire.read(Wire.write(Wire.Ticket.of(run, List.of(image))), Wire.Ticket.class);
        Map<String, Tentacle> inventory = Map.of(PICO.serial(), PICO, PICO_W.serial(), PICO_W);

        TestRun again = ticket.toRun(s -> Optional.ofNullable(inventory.get(s)), l -> Optional.of(MULTINET).filter(s -> s.label().equals(l)));

        assertThat(again).isEqualTo(run);
        assertThat(ticket.serials()).containsExactly(PICO_W.serial(), PICO.serial());
        assertThat(ticket.images()).as("what it may flash travels by content").containsExactly(image);
        assertThat(ticket.work()).isEqualTo(Wire.Work.RUN);
        assertThatThrownBy(() -> ticket.toRun(s -> Optional.empty(), l -> Optional.of(MULTINET))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is not on this host");
        assertThatThrownBy(() -> ticket.toRun(s -> Optional.ofNullable(inventory.get(s)), l -> Optional.empty()))
                .hasMessageContaining("test group RUN-MULTITESTS_MULTINET not in testrunspecs/");
    }

    @Test
    void aProbeIsATicketForOneTentacleAndItsAnswerTravelsBack() {
        Wire.Ticket probe = Wire.read(Wire.write(Wire.Ticket.probe(PICO, Instant.EPOCH)), Wire.Ticket.class);
        assertThat(probe.work()).isEqualTo(Wire.Work.PROBE);
        assertThat(probe.serials()).containsExactly(PICO.serial());
        assertThat(Wire.read(Wire.write(Wire.Report.probe(true)), Wire.Report.class).answered()).isTrue();
        assertThat(Wire.read(Wire.write(Wire.Report.probe(false)), Wire.Report.class).answered()).isFalse();
    }

    @Test
    void everyOutcomeSurvivesTheRoundTrip() {
        TestRun run = new TestRun("X@2731-RPI_PICO", MULTINET, PICO, "", Role.SINGLE, Optional.empty(), false, false, 0, Instant.EPOCH, Duration.ZERO);
        for (RunOutcome outcome : List.of(new RunOutcome.Ran(true), new RunOutcome.Busy(Set.of(PICO.serial())),
                new RunOutcome.InfraError(RunOutcome.InfraErrorKind.BOARD_LOST, Set.of(PICO.serial()), "gone"))) {
            RunReport report = new RunReport(run, outcome, List.of(), Map.of(PICO.serial(), Optional.of(BoardVariant.parse("RPI_PICO")), "other",
                    Optional.empty()));
            RunReport back = Wire.read(Wire.write(Wire.Report.of(report)), Wire.Report.class).toReport(run);
            assertThat(back).isEqualTo(report);
        }
    }

    @Test
    void anArchiveUnpacksItsFoldersAndNothingOutsideTheTarget() throws Exception {
        Path from = dir.resolve("agent");
        Files.createDirectories(from.resolve("X@2731-RPI_PICO,a/sub"));
        Files.writeString(from.resolve("X@2731-RPI_PICO,a/run.json"), "{}");
        Files.writeString(from.resolve("X@2731-RPI_PICO,a/sub/log.txt"), "log");
        Files.writeString(from.resolve("not-shipped.txt"), "no");

        byte[] zip = ResultArchive.pack(from, List.of("X@2731-RPI_PICO,a", "missing,b"));
        Path to = dir.resolve("coordinator");
        ResultArchive.unpack(zip, to, ResultArchive.Limits.DEFAULT);

        assertThat(to.resolve("X@2731-RPI_PICO,a/run.json")).hasContent("{}");
        assertThat(to.resolve("X@2731-RPI_PICO,a/sub/log.txt")).hasContent("log");
        assertThat(to.resolve("not-shipped.txt")).doesNotExist();

        java.io.ByteArrayOutputStream evil = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(evil)) {
            z.putNextEntry(new java.util.zip.ZipEntry("../escaped.txt"));
            z.write("x".getBytes());
            z.closeEntry();
        }
        assertThatThrownBy(() -> ResultArchive.unpack(evil.toByteArray(), dir.resolve("c2"), ResultArchive.Limits.DEFAULT))
                .isInstanceOf(ShippedResults.Refused.class).hasMessage("archive entry '../escaped.txt' is not a path inside the attempt folders");
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
    }

    private static byte[] zip(int entries, int bytesEach) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
            for (int i = 0; i < entries; i++) {
                z.putNextEntry(new java.util.zip.ZipEntry("X@2731-RPI_PICO,a/f" + i));
                z.write(new byte[bytesEach]);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void anArchiveBeyondItsLimitsIsRefusedBeforeItFillsTheDisk() throws Exception {
        // Finding 2 of issue 20: a 1 MB archive unpacked to 1 GiB. Zeros compress about 1000:1.
        byte[] bomb = zip(1, 8 << 20);
        assertThat(bomb.length).isLessThan(64 << 10);
        Path to = dir.resolve("bomb");
        assertThatThrownBy(() -> ResultArchive.unpack(bomb, to, new ResultArchive.Limits(100, 1 << 20)))
                .isInstanceOf(ShippedResults.Refused.class).hasMessage("the archive unpacks to more than 1 MiB");
        assertThat(Files.size(to.resolve("X@2731-RPI_PICO,a/f0"))).as("writing stopped at the limit").isLessThanOrEqualTo(1 << 20);
        assertThatThrownBy(() -> ResultArchive.unpack(zip(11, 1), dir.resolve("many"), new ResultArchive.Limits(10, 1 << 20)))
                .isInstanceOf(ShippedResults.Refused.class).hasMessage("the archive has more than 10 entries");
    }

    @Test
    void aReportThatDoesNotMatchItsLeaseIsRefused() {
        TestRun run = new TestRun("X@2731-RPI_PICO", MULTINET, PICO, "", Role.SINGLE, Optional.empty(), false, false, 0, Instant.EPOCH, Duration.ZERO);
        java.util.function.BiFunction<String, String, testbed.results.AttemptRecord> attempt = (testid, folder) -> new testbed.results.AttemptRecord(
                testid, "a", folder, "G", "2731-RPI_PICO", "RPI_PICO", PICO.serial(), "RPI_PICO", "", Role.SINGLE, "", Map.of(), List.of(), "external",
                "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", 1.0, testbed.model.Status.PASSED, "", "", Map.of(), List.of(), List.of());
        Wire.Report report = new Wire.Report("ran", false, null, Set.of(), null, List.of(), Map.of());
        ShippedResults.check(report, List.of(attempt.apply("X@2731-RPI_PICO", "X@2731-RPI_PICO,b")), run, 7);
        assertThatThrownBy(() -> ShippedResults.check(report, List.of(attempt.apply("X@2731-RPI_PICO", "../../../victim")), run, 7))
                .isInstanceOf(ShippedResults.Refused.class).hasMessage("lease 7 (X@2731-RPI_PICO): attempt folder '../../../victim' is not X@2731-RPI_PICO,<letter>");
        assertThatThrownBy(() -> ShippedResults.check(report, List.of(attempt.apply("Y@2731-RPI_PICO", "Y@2731-RPI_PICO,a")), run, 7))
                .hasMessage("lease 7 (X@2731-RPI_PICO): an attempt of test id 'Y@2731-RPI_PICO'");
        Wire.Report blamesOthers = new Wire.Report("infra", false, "BOARD_LOST", Set.of("someone-else"), "x", List.of(), Map.of());
        assertThatThrownBy(() -> ShippedResults.check(blamesOthers, List.of(), run, 7)).hasMessageContaining("blames boards [someone-else]");
    }
}
