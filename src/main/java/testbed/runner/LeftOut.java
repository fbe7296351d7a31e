package testbed.runner;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import testbed.board.BoardIdentity;
import testbed.model.Firmware;

/**
 * Tests of run-tests.py that cannot run on this board or host for a reason outside the firmware under test, left
 * out of the run ({@code --exclude}) and recorded as skipped with that reason, never as failures:
 * <ul>
 *   <li>a test that imports {@code unittest} on a firmware without it (run-tests.py would stop the whole run there);
 *   <li>a test that imports, unguarded at its top level, a module the firmware lacks ({@code ssl}, {@code tls}: a build
 *       without mbedtls) and would crash on the import instead of printing SKIP;
 *   <li>a test that resolves a public host name on a board whose network is this host's (the unix port), when this
 *       host resolves none: it needs the internet;
 *   <li>a test the board's firmware folder lists as one its boards cannot run ({@code left_out} in firmware.json).
 * </ul>
 */
final class LeftOut {

    /** The folders run-tests.py runs by default (and ports/ holds port tests that may not be selected): where an excluded test counts. */
    private static final Set<String> DEFAULT_DIRS = Set.of("basics", "micropython", "misc", "extmod", "stress", "float", "unicode", "inlineasm", "thread");
    /** run-tests.py's PC platforms: it adds these folders for them, and ports/unix. */
    private static final Set<String> PC_PLATFORMS = Set.of("linux", "darwin", "win32");
    private static final Set<String> PC_DIRS = Set.of("import", "cmdline", "io");
    private static final Pattern UNITTEST = Pattern.compile("(?m)^\\s*(import unittest|from unittest )");
    /** Modules whose unguarded top-level import crashes a test on a firmware without them, probed by the identity query. */
    private static final List<String> GUARDED = List.of("ssl", "tls", "socket");
    private static final Pattern HOST_NAME = Pattern.compile("getaddrinfo\\(\\s*[\"']([a-z0-9-]+(\\.[a-z0-9-]+)+)[\"']");
    /** Addresses of this host: a test that resolves them needs no internet. */
    private static final Pattern LOCAL = Pattern.compile("localhost|127(\\.\\d+){3}|0\\.0\\.0\\.0");
    private static volatile Boolean internet;

    private LeftOut() {}

    /** Adds an {@code --exclude} to {@code command} for each test left out; returns them as skipped, with their reasons. */
    static List<TestResult> apply(Path tests, List<String> command, BoardIdentity id, List<Firmware.LeftOut> board, List<String> log) {
        Set<String> dirs = command.stream().filter(a -> a.startsWith("--test-dirs=") || a.startsWith("-d="))
                .flatMap(a -> java.util.Arrays.stream(a.substring(a.indexOf('=') + 1).split(","))).collect(java.util.stream.Collectors.toSet());
        Set<String> defaults = new java.util.HashSet<>(DEFAULT_DIRS);
        if (PC_PLATFORMS.contains(id.platform())) {
            defaults.addAll(PC_DIRS);
            defaults.add("ports/unix");
        } else {
            defaults.add("ports/" + id.platform());
        }
        // Test files given by name (a rerun of some tests, a bisect step): only those are the run's, left out or not.
        Set<String> named = command.stream().filter(a -> a.endsWith(".py") && !a.startsWith("-") && !Path.of(a).getFileName().toString().startsWith("run-"))
                .map(a -> Path.of(a).isAbsolute() && Path.of(a).startsWith(tests) ? tests.relativize(Path.of(a)).toString() : a)
                .collect(java.util.stream.Collectors.toSet());
        boolean hostNetwork = id.platform().equals("linux");
        List<Firmware.LeftOut> rules = board.stream().filter(r -> command.containsAll(r.onlyWith())).toList();
        List<Pattern> patterns = rules.stream().map(r -> Pattern.compile(r.tests())).toList();
        List<TestResult> skipped = new ArrayList<>();
        int[] counts = new int[4];
        try (Stream<Path> files = Files.walk(tests)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".py")).sorted().toList()) {
                String rel = tests.relativize(f).toString();
                String source = Files.readString(f);
                Optional<String> why = Optional.empty();
                for (int i = 0; i < rules.size() && why.isEmpty(); i++) {
                    if (patterns.get(i).matcher(rel).find()) {
                        counts[3]++;
                        why = Optional.of(rules.get(i).reason());
                    }
                }
                if (why.isEmpty()) {
                    why = reason(source, id, hostNetwork, counts);
                }
                if (why.isEmpty()) {
                    continue;
                }
                command.add("--exclude=^" + rel.replaceAll("([\\\\.^$*+?()\\[\\]{}|])", "\\\\$1") + "$"); // Python's re: no \\Q..\\E
                String top = rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : rel;
                if (!named.isEmpty()) {
                    if (named.contains(rel)) {
                        skipped.add(new TestResult(rel, Outcome.SKIPPED, 0, why.get()));
                    }
                } else if (dirs.isEmpty() ? defaults.contains(top) || defaults.stream().anyMatch(d -> rel.startsWith(d + "/"))
                        : dirs.stream().anyMatch(d -> rel.startsWith(d + "/"))) {
                    skipped.add(new TestResult(rel, Outcome.SKIPPED, 0, why.get()));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        if (counts[0] > 0) {
            log.add("the firmware has no unittest: the tests that need it are left out and recorded as skipped");
        }
        if (counts[1] > 0) {
            log.add("tests importing a module the firmware lacks at their top level are left out and recorded as skipped");
        }
        if (counts[2] > 0) {
            log.add("this host resolves no host names: tests that need the internet are left out and recorded as skipped");
        }
        if (counts[3] > 0) {
            log.add(counts[3] + " tests the board cannot run (left_out in its firmware.json) are left out and recorded as skipped");
        }
        return skipped;
    }

    private static Optional<String> reason(String source, BoardIdentity id, boolean hostNetwork, int[] counts) {
        if (!id.modules().contains("unittest") && UNITTEST.matcher(source).find()) {
            counts[0]++;
            return Optional.of("needs unittest, which the firmware lacks (left out: run-tests.py would stop the run)");
        }
        for (String module : GUARDED) {
            if (!id.modules().contains(module) && Pattern.compile("(?m)^(import|from)\\s+[^#\\n]*\\b" + module + "\\b").matcher(source).find()) {
                counts[1]++;
                return Optional.of("needs '" + module + "', which the firmware lacks (an unguarded import: it would crash, not skip)");
            }
        }
        Matcher host = HOST_NAME.matcher(source);
        while (hostNetwork && host.find()) {
            if (!LOCAL.matcher(host.group(1)).matches() && !internet()) {
                counts[2]++;
                return Optional.of("needs the internet (it resolves " + host.group(1) + "), which this host cannot reach");
            }
        }
        return Optional.empty();
    }

    /** Whether this host resolves a public name: asked once per process. */
    static boolean internet() {
        Boolean known = internet;
        if (known == null) {
            try {
                InetAddress.getByName("micropython.org");
                known = true;
            } catch (IOException e) {
                known = false;
            }
            internet = known;
        }
        return known;
    }
}
