package testbed.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Keeps the layering honest on the compiled classes: each package imports only what its row allows, no package
 * cycles, the scheduler stays pure (no I/O, threads or clocks of its own), and only Settings reads the environment.
 */
class ArchitectureTest {

    /** Package → the testbed packages it may use. Read top-down: the path run → bartender → testrun → results → history. */
    static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("model", List.of());
        ALLOWED.put("process", List.of());
        ALLOWED.put("board", List.of());
        ALLOWED.put("config", List.of("model"));
        ALLOWED.put("bartender", List.of("model"));
        ALLOWED.put("selection", List.of("model", "bartender"));
        ALLOWED.put("lab", List.of("model", "board"));
        ALLOWED.put("lab.virtual", List.of("model", "board", "config", "process", "lab"));
        ALLOWED.put("lab.drivers", List.of("model", "config", "lab", "lab.virtual"));
        ALLOWED.put("flash", List.of("model", "bartender", "board", "config", "lab", "process"));
        ALLOWED.put("source", List.of("model", "config", "process"));
        ALLOWED.put("runner", List.of("model", "bartender", "board", "lab", "process", "source"));
        ALLOWED.put("results", List.of("model", "bartender", "config", "runner"));
        ALLOWED.put("engine", List.of("model", "bartender", "selection", "results"));
        ALLOWED.put("simulation", List.of("model", "bartender", "engine", "results"));
        ALLOWED.put("testrun", List.of("model", "bartender", "board", "config", "flash", "lab", "process", "results", "runner"));
        ALLOWED.put("session", List.of("model", "bartender", "board", "config", "engine", "flash", "lab", "lab.drivers", "process", "results", "selection",
                "simulation", "testrun"));
        ALLOWED.put("queue", List.of("model", "bartender", "board", "config", "engine", "flash", "lab", "lab.drivers", "process", "results", "selection", "session",
                "source", "testrun"));
        ALLOWED.put("history", List.of("model", "bartender", "config", "results", "runner", "session"));
        ALLOWED.put("compare", List.of("model", "results", "runner", "session"));
        ALLOWED.put("serve", List.of("model", "config", "history", "queue", "report", "results", "session"));
        ALLOWED.put("report", List.of("model", "bartender", "compare", "history", "results", "runner", "session"));
        ALLOWED.put("bench", List.of("model", "bartender", "board", "config", "engine", "history", "lab", "report", "results", "runner", "selection", "session",
                "simulation", "serve"));
        ALLOWED.put("app", List.of("model", "bartender", "bench", "board", "compare", "config", "flash", "history", "lab", "lab.drivers", "lab.virtual", "process", "report", "source",
                "results", "selection", "session", "testrun", "queue"));
        // The CLI only turns options into requests and results into words: it reaches boards, labs, flashing and sources only through app.
        ALLOWED.put("cli", List.of("model", "bartender", "app", "bench", "compare", "config", "engine", "history", "process", "report", "results", "selection",
                "session", "queue", "serve"));
    }

    private static JavaClasses classes;

    @BeforeAll
    static void importMain() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("testbed");
    }

    static List<String> packages() {
        return new ArrayList<>(ALLOWED.keySet());
    }

    @ParameterizedTest
    @MethodSource("packages")
    void eachPackageUsesOnlyWhatItsRowAllows(String pkg) {
        List<String> allowed = new ArrayList<>(List.of("java..", "javax..", "org..", "com..", "picocli..", "testbed." + pkg));
        if (pkg.equals("process")) {
            allowed.add("sun.misc"); // Ctrl-C and SIGTERM handlers: the one place that needs them
        }
        if (pkg.equals("serve")) {
            allowed.add("io.javalin.."); // the embedded HTTP server: only the browser view uses it
        }
        ALLOWED.get(pkg).forEach(p -> allowed.add("testbed." + p));
        classes().that().resideInAPackage("testbed." + pkg).should().onlyDependOnClassesThat().resideInAnyPackage(allowed.toArray(String[]::new))
                .check(classes);
    }

    @Test
    void everyPackageIsInTheTable() {
        classes().should().resideInAnyPackage(ALLOWED.keySet().stream().map(p -> "testbed." + p).toArray(String[]::new)).check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("testbed.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theSchedulerDoesNoIoNoThreadsAndReadsNoClockOfItsOwn() {
        noClasses().that().resideInAPackage("testbed.bartender").should().dependOnClassesThat()
                .resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.util.concurrent..", "org.apache..", "com.fazecast..")
                .check(classes);
        noClasses().that().resideInAPackage("testbed.bartender").should().dependOnClassesThat().areAssignableTo(Thread.class).check(classes);
        noClasses().that().resideInAPackage("testbed.bartender").should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis").orShould().callMethod(Instant.class, "now")
                .orShould().callMethod(Clock.class, "systemUTC").orShould().callMethod(Clock.class, "systemDefaultZone").check(classes);
    }

    @Test
    void onlySettingsReadsTheEnvironment() {
        noClasses().that().doNotHaveFullyQualifiedName("testbed.config.Settings").should().callMethod(System.class, "getenv")
                .orShould().callMethod(System.class, "getenv", String.class).check(classes);
    }
}
