package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import testbed.TestWorkspaces;
import testbed.config.Workspace;
import testbed.lab.VirtualLabFixture;

/**
 * {@code testbed serve} in a real browser (Debian's chromium through its chromedriver, as .ci/run installs them) while a
 * virtual-lab session runs, and over HTTP where a browser would tidy the request (path escapes, a missing token).
 */
@Timeout(600)
class ServeIT {

    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String TOKEN = "s3rve-t0ken-0123456789";

    private static ChromeDriver browser;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void openBrowser() {
        assumeTrue(Files.isExecutable(Path.of(CHROMEDRIVER)) && Files.isExecutable(Path.of(CHROMIUM)),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver; .ci/run does)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile()).build(), options);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /** {@code testbed serve ARGS} as a process of its own: the URL it printed. */
    private String serve(Workspace ws, String log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-Dtestbed.home=" + ws.home(), "-jar", Path.of("target/testbed.jar").toAbsolutePath().toString(),
                "serve", "--port", "0"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(TestWorkspaces.environment(ws.home()));
        Path out = dir.resolve(log + ".txt");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        processes.add(p);
        Pattern url = Pattern.compile("testbed serve: (http://\\S+/)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = url.matcher(Files.exists(out) ? Files.readString(out) : "");
            if (m.find()) {
                return m.group(1);
            }
            assertThat(p.isAlive()).as(Files.exists(out) ? Files.readString(out) : "").isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("testbed serve printed no URL: " + Files.readString(out));
    }

    private static HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static WebElement row(String serial) {
        return browser.findElement(By.id("t-" + serial));
    }

    @Test
    void theLabPageFollowsASessionLiveAndTheResultsAndHistoryPagesShowWhatItLeft() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        // A board that runs (slow to boot, so it is seen busy) and fails one test; one whose flashes fail: quarantined, and
        // the first board then runs both groups.
        Path lab = new VirtualLabFixture(dir.resolve("lab"))
                .pico("vserve000001-aa01", Map.of("slow_boot_s", 3, "flaky", Map.of("test", "basics/async_basic.py", "p", 1.0)))
                .pico("vserve000002-bb02", Map.of("flash_fails", 9))
                .writeLab();
        Path results = dir.resolve("results");
        String base = serve(ws, "serve", "--lab", lab.toString(), "--results", results.toString());

        browser.get(base + "lab");
        assertThat(row("vserve000001-aa01").getAttribute("class")).isEqualTo("free");
        ((JavascriptExecutor) browser).executeScript("window.sameDocument = 'yes';");
        CompletableFuture<Cli.Result> session = CompletableFuture.supplyAsync(() -> Cli.run(ws, "run", "--lab", lab.toString(), "--results",
                results.toString(), "--firmware", "RPI_PICO", "--flash-force", "--only-test", "BUILTIN-TESTS_BASICS", "--only-test", "BUILTIN-TESTS_EXTMOD"));

        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
        wait.until(d -> row("vserve000001-aa01").getAttribute("class").equals("running"));
        assertThat(row("vserve000001-aa01").findElement(By.className("detail")).getText()).startsWith("running BUILTIN-TESTS_");
        Files.write(Path.of("target", "serve-lab.png"), browser.getScreenshotAs(OutputType.BYTES)); // the README's picture
        wait.until(d -> row("vserve000002-bb02").getAttribute("class").equals("quarantined"));
        assertThat(row("vserve000002-bb02").findElement(By.className("detail")).getText()).contains("quarantined: flash_failed");
        Cli.Result r = session.get(240, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.out() + r.err()).isNotEqualTo(ExitCodes.INTERNAL);
        wait.until(d -> row("vserve000001-aa01").getAttribute("class").equals("free"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.sameDocument;")).as("updated without a reload").isEqualTo("yes");
        assertThat(row("vserve000001-aa01").findElement(By.className("firmware")).getText()).contains("MicroPython");

        // The session's page links the failing test to its output beside what was expected.
        browser.get(base + "session?path=");
        assertThat(browser.findElement(By.id("gantt")).findElements(By.tagName("rect"))).isNotEmpty();
        browser.findElement(By.linkText("basics/async_basic.py")).click();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("basics/async_basic.py");
        List<WebElement> changed = browser.findElements(By.cssSelector("table.diff tr.insert td.out, table.diff tr.change td.out"));
        assertThat(changed).extracting(WebElement::getText).anyMatch(t -> t.contains("virtual board glitch"));
        assertThat(browser.findElements(By.cssSelector("table.diff td.exp")).stream().map(WebElement::getText).filter(t -> !t.isBlank())).isNotEmpty();

        // Every file of results/ is there, as text; a folder outside it is not, however it is asked for.
        browser.get(base + "results/");
        assertThat(browser.findElements(By.partialLinkText("BUILTIN-TESTS_BASICS@"))).isNotEmpty();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "not for the browser");
        Files.createSymbolicLink(results.resolve("link-out"), outside);
        for (String escape : List.of("results/../outside/secret.txt", "raw/../outside/secret.txt", "raw/..%2F..%2Foutside%2Fsecret.txt",
                "raw/%2e%2e/outside/secret.txt", "raw/link-out/secret.txt", "results/link-out", "raw//etc/passwd", "diff/..?test=x")) {
            HttpResponse<String> response = get(base + escape);
            assertThat(response.statusCode()).as(escape).isEqualTo(404);
            assertThat(response.body()).as(escape).doesNotContain("not for the browser");
        }
        HttpResponse<String> log = get(base + "raw/testresults.txt");
        HttpResponse<String> attemptLog = get(base + "raw/" + Files.list(results).filter(p -> p.getFileName().toString().startsWith("BUILTIN-TESTS_BASICS@"))
                .findFirst().orElseThrow().getFileName() + "/testresults.txt");
        assertThat(log.statusCode()).isEqualTo(404);
        assertThat(attemptLog.statusCode()).isEqualTo(200);
        assertThat(attemptLog.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(attemptLog.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        HttpResponse<String> report = get(base + "raw/report.html");
        assertThat(report.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(p -> assertThat(p).startsWith("sandbox"));
        assertThat(get(base + "lab").headers().firstValue("X-Frame-Options")).contains("DENY");
    }

    @Test
    void monthsOfNightlyHistoryShowEachBenchmarkWithItsNoiseBandAndEverySession() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        // Four months of nights (smaller than bench serve's year: 4 boards, 4 groups of 20 tests), as testbed bench serve writes them.
        Cli.Result year = Cli.run(ws, "bench", "serve", "--nights", "120", "--boards", "4", "--groups", "4", "--tests", "20", "--repeats", "3", "--dir",
                dir.resolve("year").toString());
        assertThat(year.exitCode()).as(year.out() + year.err()).isZero();
        assertThat(year.out()).contains("/history", "/sessions", "/lab");
        String base = serve(ws, "serve-year", "--lab", "virtual",
                "--results", dir.resolve("year/results").toString(), "--history", "jdbc:sqlite:" + dir.resolve("year/history.sqlite"));
        browser.get(base + "history");
        WebElement chart = new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.findElement(By.cssSelector(".charts svg")));
        assertThat(chart.findElements(By.cssSelector("rect.band"))).as("the noise band").hasSize(1);
        assertThat(chart.findElements(By.tagName("circle")).size()).as("a point per session").isGreaterThan(10);
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Pass rates per board", "BOARD0", "Flaky");
        browser.get(base + "sessions");
        assertThat(browser.findElements(By.cssSelector("main table tbody tr"))).hasSize(120);
    }

    @Test
    void boundToAnotherAddressEveryRequestNeedsTheToken() throws Exception {
        Workspace ws = Cli.copyOfCheckout(dir.resolve("ws"));
        Cli.Result refused = Cli.run(ws, "serve", "--bind", "0.0.0.0", "--port", "0");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(refused.err().strip()).startsWith("testbed: ").contains("--bind 0.0.0.0: another machine could reach it; give --token").doesNotContain("\n");

        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        String base = serve(ws, "serve-token", "--bind", "0.0.0.0", "--token-file", tokenFile.toString(), "--results", dir.resolve("none").toString(),
                "--no-history").replace("0.0.0.0", "127.0.0.1");
        for (String page : List.of("lab", "api/lab", "sessions", "results/", "events", "static/app.js")) {
            assertThat(get(base + page).statusCode()).as(page).isEqualTo(401);
            assertThat(get(base + page, "Authorization", "Bearer wrong-" + TOKEN).statusCode()).as(page).isEqualTo(401);
        }
        assertThat(get(base + "lab", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        // A browser gives it once in the address; a cookie carries it after that (the live view's events too).
        browser.get(base + "lab?token=" + TOKEN);
        assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Lab");
        browser.get(base + "sessions");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Sessions");
        assertThat(get(base + "lab", "Cookie", "testbed_token=" + TOKEN).statusCode()).isEqualTo(200);
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "lab")).method("DELETE", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as("nothing writes").isIn(404, 405);
    }
}
