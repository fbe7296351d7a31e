package testbed.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import testbed.bartender.Leftover;
import testbed.history.JdbcHistory;
import testbed.results.AtomicJson;
import testbed.results.AttemptRecord;
import testbed.results.Xfail;
import testbed.runner.Measurement;
import testbed.runner.Outcome;
import testbed.runner.TestResult;
import testbed.model.BoardVariant;
import testbed.model.Role;
import testbed.model.Status;
import testbed.results.RecordSink;
import testbed.session.SessionFiles;
import testbed.session.SessionRecord;

/** Every report format from one constructed session with a flaky test, a failing test, an error and a leftover. */
class ReportTest {

    @TempDir
    Path dir;

    private static TestResult t(String name, Outcome o) {
        return new TestResult(name, o, 0.25, o == Outcome.PASSED ? "" : "--- " + name + ".exp\n+++ " + name + ".out\n-1\n+2\u0004");
    }

    private static AttemptRecord attempt(String testid, String letter, String group, String status, String error, List<TestResult> tests) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            counts.put(o.label(), tests.stream().filter(x -> x.outcome() == o).count());
        }
        return new AttemptRecord(testid, letter, testid + "," + letter, group, "1e01-RPI_PICO", "RPI_PICO", "vlab0000pico-1e01", "RPI_PICO", "",
                group.equals("BUILTIN-MULTITESTS") ? testbed.model.Role.INSTANCE0 : testbed.model.Role.SINGLE, "",
                Map.of("vlab0000pico-1e01", "RPI_PICO;3.4.0; MicroPython v1.27.0"), List.of(), "builtin-tests", "2026-11-01T10:00:0" + letter.charAt(0) % 10 + "Z",
                "2026-11-01T10:00:30Z", 9.5, status(status, tests), status.equals("timeout") ? "timeout" : "", error, counts, tests,
                List.of(new Measurement("bench", 10, "us")));
    }

    /** "completed" as the runner left it: passed or failed by its tests. */
    private static Status status(String status, List<TestResult> tests) {
        if (!status.equals("completed")) {
            return Status.of(status);
        }
        return tests.stream().anyMatch(t -> t.outcome().isFailure()) ? Status.FAILED : Status.PASSED;
    }

    static SessionRecord session() {
        String basics = "BUILTIN-TESTS_BASICS@1e01-RPI_PICO";
        String extmod = "BUILTIN-TESTS_EXTMOD@1e01-RPI_PICO";
        String perf = "BUILTIN-PERFBENCH@1e01-RPI_PICO";
        List<SessionRecord.Run> runs = new ArrayList<>();
        runs.add(new SessionRecord.Run(basics, "BUILTIN-TESTS_BASICS", "RPI_PICO", BoardVariant.parse("RPI_PICO"), Role.SINGLE, List.of("1e01-RPI_PICO"), Status.of("passed"), "2026-11-01T10:00:00Z", 19,
                List.of(attempt(basics, "a", "BUILTIN-TESTS_BASICS", "completed", "", List.of(t("basics/flaky.py", Outcome.FAILED), t("basics/ok.py", Outcome.PASSED))),
                        attempt(basics, "b", "BUILTIN-TESTS_BASICS", "completed", "", List.of(t("basics/flaky.py", Outcome.PASSED), t("basics/ok.py", Outcome.PASSED))))));
        runs.add(new SessionRecord.Run(extmod, "BUILTIN-TESTS_EXTMOD", "RPI_PICO", BoardVariant.parse("RPI_PICO"), Role.SINGLE, List.of("1e01-RPI_PICO"), Status.of("failed"), "2026-11-01T10:01:00Z", 19,
                List.of(attempt(extmod, "a", "BUILTIN-TESTS_EXTMOD", "completed", "", List.of(t("extmod/re.py", Outcome.FAILED), t("extmod/skip.py", Outcome.SKIPPED))),
                        attempt(extmod, "b", "BUILTIN-TESTS_EXTMOD", "completed", "", List.of(t("extmod/re.py", Outcome.FAILED), t("extmod/skip.py", Outcome.SKIPPED))))));
        runs.add(new SessionRecord.Run("BUILTIN-MULTITESTS@1e01-RPI_PICO-instance0", "BUILTIN-MULTITESTS", "RPI_PICO", BoardVariant.parse("RPI_PICO"), Role.INSTANCE0, List.of("1e01-RPI_PICO", "3b01-RPI_PICO_W"), Status.of("never finished"), "2026-11-01T10:04:00Z", 30, List.of()));
        runs.add(new SessionRecord.Run(perf, "BUILTIN-PERFBENCH", "RPI_PICO", BoardVariant.parse("RPI_PICO"), Role.SINGLE, List.of("1e01-RPI_PICO"), Status.of("timeout"), "2026-11-01T10:02:00Z", 9.5,
                List.of(attempt(perf, "a", "BUILTIN-PERFBENCH", "timeout", "during perfbench/x.py: board silent; power-cycled", List.of()))));
        return new SessionRecord("20261101-100000-1", "virtual", "labs/virtual.json", "host", "me", "manual", List.of("testbed", "run"),
                List.of("RPI_PICO"), Map.of("1e01-RPI_PICO", "RPI_PICO;3.4.0; MicroPython v1.27.0"), "builtin", "2026-11-01T10:00:00Z",
                "2026-11-01T10:05:00Z", 300, testbed.session.SessionState.COMPLETED, testbed.session.Verdict.TESTS_FAILED, runs,
                List.of(new Leftover("BUILTIN-MULTITESTS", "RPI_PICO-instance0", Leftover.Reason.NO_REFERENCE, "no RPI_PICO_W with FUT_WLAN")),
                List.of(), new SessionRecord.Latency(1, 5, 5, 5), java.util.List.of(), null, java.util.List.of());
    }

    @Test
    void junitXmlFollowsTheSchemaAndSurefiresRerunConventions() throws Exception {
        ReportWriter.write(session(), dir, Optional.empty());
        Path xml = dir.resolve("junit.xml");
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(new StreamSource(Path.of("src/test/resources/schema/junit-surefire.xsd").toFile()));
        schema.newValidator().validate(new StreamSource(xml.toFile()));

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("RPI_PICO");
        assertThat(suite.getAttribute("tests")).isEqualTo("5");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        assertThat(suite.getAttribute("errors")).isEqualTo("1");
        assertThat(suite.getAttribute("skipped")).isEqualTo("1");
        String text = Files.readString(xml);
        assertThat(text).contains("<property name=\"firmware vlab0000pico-1e01\" value=\"RPI_PICO;3.4.0; MicroPython v1.27.0\"/>");
        assertThat(doc.getElementsByTagName("flakyFailure").getLength()).as("flaky.py failed in a, passed in b").isEqualTo(1);
        assertThat(doc.getElementsByTagName("rerunFailure").getLength()).as("re.py failed in a and b").isEqualTo(1);
        assertThat(text).doesNotContain("\u0004");
    }

    @Test
    void summaryMarkdownTimingAndHtmlTellTheSameStory() throws Exception {
        ReportWriter.write(session(), dir, Optional.empty());
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.get("verdict").asText()).isEqualTo("tests_failed");
        assertThat(summary.get("tests").get("passed").asInt()).isEqualTo(2);
        assertThat(summary.get("tests").get("failed").asInt()).isEqualTo(1);
        assertThat(summary.get("groups").get("BUILTIN-TESTS_BASICS").get("retried_runs").asInt()).isEqualTo(1);
        assertThat(summary.get("failures").toString()).contains("basics/flaky.py").contains("\"flaky\":true").contains("extmod/re.py");

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("tests failed").contains("| BUILTIN-TESTS_EXTMOD | 1 | 0 | 1 | 0 | 0 | 1 | 1 | 0 |")
                .contains("`basics/flaky.py` **flaky**").contains("no RPI_PICO_W with FUT_WLAN");

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<svg class=\"chart timeline\"").contains("href=\"BUILTIN-TESTS_BASICS@1e01-RPI_PICO,a/testresults.txt\"")
                .contains("class=\"flaky\"").contains("during perfbench/x.py").contains("still running when the session was interrupted").contains("no reference tentacle").doesNotContain("<script");
        assertThat(Files.readString(dir.resolve("timing.txt"))).contains("1e01-RPI_PICO").contains("BUILTIN-PERFBENCH@1e01-RPI_PICO,a (timeout");
    }

    @Test
    void xfailTemplateListsTheFailuresAndTurnsThemIntoXfailWhenGivenBack() throws Exception {
        SessionRecord s = session();
        ReportWriter.write(s, dir, Optional.empty());
        Path template = dir.resolve("xfail-template.json");
        assertThat(Files.readString(template)).contains("extmod/re.py").doesNotContain("basics/flaky.py");
        Xfail xfail = Xfail.load(template);
        AttemptRecord last = s.runs().get(1).attempts().get(1);
        List<TestResult> known = xfail.apply(last.tests(), last.testGroup(), "RPI_PICO");
        assertThat(known).extracting(TestResult::outcome).containsExactly(Outcome.XFAILED, Outcome.SKIPPED);
        assertThat(AttemptRecord.countsOf(known).get("failed")).isZero();
        assertThat(AttemptRecord.countsOf(known).get("xfailed")).isEqualTo(1);
        assertThat(xfail.apply(last.tests(), last.testGroup(), "RPI_PICO2").get(0).outcome()).as("another board still fails").isEqualTo(Outcome.FAILED);
    }

    @Test
    void reportsComeBackFromTheSessionFilesOnDisk() throws Exception {
        SessionRecord s = session();
        SessionFiles files = new SessionFiles(RecordSink.directory(dir));
        for (SessionRecord.Run run : s.runs()) {
            run.attempts().forEach(a -> AtomicJson.write(dir.resolve(a.directory()).resolve("run.json"), a));
            files.appendRun(run);
        }
        files.writeSummary(s);
        assertThat(AtomicJson.MAPPER.readTree(dir.resolve("session.json").toFile()).has("runs")).as("the summary points at runs.jsonl").isFalse();
        SessionRecord back = SessionFiles.read(dir);
        assertThat(back).isEqualTo(s);
        try (JdbcHistory h = JdbcHistory.open("jdbc:sqlite:" + dir.resolve("h.sqlite"))) {
            h.record(back);
            ReportWriter.write(back, dir, Optional.of(h));
        }
        assertThat(dir.resolve("report.html")).content().contains("trends appear from the second one");
    }

    @Test
    void aFailureLinksToItsOwnOutputAndTheFirmwareTableShowsOnlyBoardsTheSessionUsed() throws Exception {
        SessionRecord s = session();
        Map<String, String> versions = new java.util.TreeMap<>(s.firmwareVersions());
        versions.put("9z99-ESP32_C3_DEVKIT", "found at discovery, never selected");
        SessionRecord more = new SessionRecord(s.sessionId(), s.lab(), s.labFile(), s.host(), s.user(), s.trigger(), s.commandLine(), s.firmware(),
                versions, s.testsRef(), s.timeStart(), s.timeEnd(), s.durationSeconds(), s.status(), s.verdict(), s.runs(), s.leftovers(),
                s.quarantined(), s.dispatchLatency(), s.builds(), null, s.firmwareNotFromSource());
        Path extmod = Files.createDirectories(dir.resolve("BUILTIN-TESTS_EXTMOD@1e01-RPI_PICO,b"));
        Files.writeString(extmod.resolve("extmod_re.py.out"), "2\n");
        Files.writeString(extmod.resolve("extmod_re.py.exp"), "1\n");
        ReportWriter.write(more, dir, Optional.empty());
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("href=\"BUILTIN-TESTS_EXTMOD@1e01-RPI_PICO,b/extmod_re.py.out\"")
                .contains("href=\"BUILTIN-TESTS_EXTMOD@1e01-RPI_PICO,b/extmod_re.py.exp\"");
        assertThat(html).contains("1e01-RPI_PICO").doesNotContain("9z99-ESP32_C3_DEVKIT");
    }

    @Test
    void aGroupTheRunnerSkippedIsSkippedInJunitNotAnError() throws Exception {
        SessionRecord s = session();
        String natmod = "RUN-NATMODTESTS@1e01-RPI_PICO";
        List<SessionRecord.Run> runs = new ArrayList<>(s.runs());
        runs.add(new SessionRecord.Run(natmod, "RUN-NATMODTESTS", "RPI_PICO", BoardVariant.parse("RPI_PICO"), Role.SINGLE, List.of("1e01-RPI_PICO"),
                Status.SKIPPED, "2026-11-01T10:03:00Z", 1, List.of(attempt(natmod, "a", "RUN-NATMODTESTS", "skipped",
                        "the target does not support dynamic modules", List.of()))));
        ReportWriter.write(s.withRuns(runs), dir, Optional.empty());
        Element suite = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("junit.xml").toFile())
                .getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("errors")).as("only the perfbench timeout").isEqualTo("1");
        assertThat(suite.getAttribute("skipped")).as("extmod/skip.py and the skipped group").isEqualTo("2");
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("<skipped message=\"the target does not support dynamic modules\"/>");
    }
}
