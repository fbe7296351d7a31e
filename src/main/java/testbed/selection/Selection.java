package testbed.selection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import testbed.bartender.Leftover;
import testbed.model.BoardVariant;
import testbed.model.Fut;
import testbed.model.InvalidInputException;
import testbed.model.RunnerSpec;
import testbed.model.Tentacle;
import testbed.model.TestRunSpec;

/**
 * What a session will test: the DUT tentacles (variants narrowed to the selection), the tentacles that may serve as
 * reference, and the test groups. Unknown names on the command line fail here with the valid names listed.
 */
public record Selection(List<Tentacle> duts, List<Tentacle> referencePool, List<TestRunSpec> specs, List<Leftover> leftovers) {

    public Selection {
        duts = List.copyOf(duts);
        referencePool = List.copyOf(referencePool);
        specs = List.copyOf(specs);
        leftovers = List.copyOf(leftovers);
    }

    /**
     * @param connected the tentacles found (or, for planning, the whole inventory)
     * @param firmwareAvailable the board-variants with a firmware folder
     */
    public static Selection select(
            List<Tentacle> connected, List<TestRunSpec> allSpecs, Set<BoardVariant> firmwareAvailable, SelectionRequest request) {
        List<Leftover> leftovers = new ArrayList<>();
        List<TestRunSpec> specs = selectSpecs(allSpecs, request, leftovers);
        List<Tentacle> duts = selectDuts(connected, firmwareAvailable, request);
        Set<String> knownBoards = connected.stream().map(Tentacle::board).collect(Collectors.toCollection(TreeSet::new));
        for (String ref : request.referenceBoards()) {
            if (!knownBoards.contains(ref)) {
                throw new InvalidInputException("--reference-board: no tentacle of this lab has board '" + ref + "' (boards: "
                        + String.join(", ", knownBoards) + ")");
            }
        }
        // Only boards given by name must exist; without a reference board, multi-board groups are left over.
        Set<String> referenceBoards = request.effectiveReferenceBoards();
        // A pool only when a selected group needs a reference: a board that serves nothing is not connected, nor powered up.
        boolean needed = specs.stream().anyMatch(TestRunSpec::requiresReference);
        List<Tentacle> referencePool = needed ? connected.stream().filter(t -> referenceBoards.contains(t.board())).toList() : List.of();
        return new Selection(duts, referencePool, specs, leftovers);
    }

    /**
     * The same selection among the tentacles that are there (by serial): what a session can test of what the user
     * asked for, made against the whole inventory; names are never checked against whatever happens to be plugged in.
     */
    public Selection among(Set<String> serials) {
        return new Selection(duts.stream().filter(t -> serials.contains(t.serial())).toList(),
                referencePool.stream().filter(t -> serials.contains(t.serial())).toList(), specs, leftovers);
    }

    /**
     * The selection without these tentacles (serial → who took it out and why): none is a DUT or a reference, and each
     * DUT among them is left over with that reason.
     */
    public Selection withoutDisabled(Map<String, String> why) {
        if (why.isEmpty()) {
            return this;
        }
        List<Leftover> more = new ArrayList<>(leftovers);
        duts.stream().filter(t -> why.containsKey(t.serial()))
                .forEach(t -> more.add(new Leftover("", t.label(), Leftover.Reason.DISABLED, why.get(t.serial()))));
        return new Selection(duts.stream().filter(t -> !why.containsKey(t.serial())).toList(),
                referencePool.stream().filter(t -> !why.containsKey(t.serial())).toList(), specs, more);
    }

    private static List<TestRunSpec> selectSpecs(List<TestRunSpec> all, SelectionRequest request, List<Leftover> leftovers) {
        Map<String, TestRunSpec> byLabel = new LinkedHashMap<>();
        all.forEach(s -> byLabel.put(s.label(), s));
        Map<String, TestRunSpec> selected = new LinkedHashMap<>();
        if (request.onlyTests().isEmpty()) {
            selected.putAll(byLabel);
        }
        for (String entry : request.onlyTests()) {
            int colon = entry.indexOf(':');
            int equals = entry.indexOf('=');
            boolean someTests = equals >= 0 && (colon < 0 || equals < colon);
            int end = someTests ? equals : colon;
            String label = end < 0 ? entry : entry.substring(0, end);
            String rest = end < 0 ? "" : entry.substring(end + 1).trim();
            TestRunSpec spec = requireSpec(byLabel, label, "--only-test");
            if (someTests) {
                if (!(spec.runner() instanceof RunnerSpec.External ext)) {
                    throw new InvalidInputException("--only-test " + entry + ": " + label + " runs a built-in suite; only MicroPython's runners take a list of tests");
                }
                List<String> tests = Arrays.stream(rest.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
                if (tests.isEmpty()) {
                    throw new InvalidInputException("--only-test " + entry + ": no test after '=' (e.g. " + label + "=basics/int_big_add.py)");
                }
                spec = spec.withRunner(ext.onlyTests(tests));
            } else if (!rest.isEmpty()) {
                // A command of the user's own: what the group's command needed from the board is no longer asked.
                spec = spec.withRunner(new RunnerSpec.External(Arrays.asList(rest.split("\\s+")), Map.of()));
            }
            selected.put(label, spec);
        }
        for (String label : request.skipTests()) {
            requireSpec(byLabel, label, "--skip-test");
            selected.remove(label);
        }
        Set<Fut> onlyFuts = parseFuts(request.onlyFuts(), "--only-fut");
        Set<Fut> skipFuts = parseFuts(request.skipFuts(), "--skip-fut");
        selected.values().removeIf(s -> (!onlyFuts.isEmpty() && !onlyFuts.contains(s.requiredFut())) || skipFuts.contains(s.requiredFut()));
        List<TestRunSpec> result = new ArrayList<>();
        for (TestRunSpec spec : selected.values()) {
            if (request.micropythonTests().isEmpty() && spec.runner() instanceof RunnerSpec.External ext && ext.needsMicropythonTests()) {
                leftovers.add(new Leftover(spec.label(), "", Leftover.Reason.NEEDS_MICROPYTHON_TESTS,
                        "it runs MicroPython's own runners: give the MicroPython under test with --micropython SOURCE (a checkout, a tarball, URL@REF)"));
            } else {
                result.add(spec);
            }
        }
        result.sort(java.util.Comparator.comparing(TestRunSpec::label));
        return result;
    }

    private static TestRunSpec requireSpec(Map<String, TestRunSpec> byLabel, String label, String option) {
        TestRunSpec spec = byLabel.get(label);
        if (spec == null) {
            throw new InvalidInputException(option + ": unknown test '" + label + "' (valid: " + String.join(", ", byLabel.keySet()) + ")");
        }
        return spec;
    }

    private static Set<Fut> parseFuts(List<String> names, String option) {
        Set<Fut> futs = EnumSet.noneOf(Fut.class);
        for (String name : names) {
            try {
                futs.add(Fut.parse(name));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(option + ": " + e.getMessage());
            }
        }
        return futs;
    }

    private static List<Tentacle> selectDuts(List<Tentacle> connected, Set<BoardVariant> firmwareAvailable, SelectionRequest request) {
        Set<String> names = new TreeSet<>();
        connected.forEach(t -> {
            names.add(t.tag());
            names.add(t.board());
        });
        List<BoardVariant> onlyBoards = parseBoards(request.onlyBoards(), names, "--only-board");
        List<BoardVariant> skipBoards = parseBoards(request.skipBoards(), names, "--skip-board");
        List<BoardVariant> firmware = parseFirmware(request.firmware(), connected, firmwareAvailable);
        Map<String, Set<String>> tagFilter = parseTags(request.onlyTags());

        List<Tentacle> duts = new ArrayList<>();
        for (Tentacle t : connected) {
            if (!matchesTags(t, tagFilter)) {
                continue;
            }
            List<String> variants = new ArrayList<>();
            for (String variant : t.variants()) {
                boolean keep = (onlyBoards.isEmpty() || onlyBoards.stream().anyMatch(b -> matches(b, t, variant)))
                        && skipBoards.stream().noneMatch(b -> matches(b, t, variant))
                        && (firmware.isEmpty() || firmware.stream().anyMatch(f -> matches(f, t, variant)));
                if (keep) {
                    variants.add(variant);
                }
            }
            if (!variants.isEmpty()) {
                duts.add(variants.size() == t.variants().size() ? t : withVariants(t, variants));
            }
        }
        return duts;
    }

    /**
     * A {@code --only-board}/{@code --skip-board}/{@code --firmware} value names a tentacle tag or a MicroPython board;
     * without a variant it means every variant, with one only that variant.
     */
    private static boolean matches(BoardVariant filter, Tentacle t, String variant) {
        boolean name = filter.board().equals(t.tag()) || filter.board().equals(t.board());
        return name && (filter.isDefaultVariant() || filter.variant().equals(variant));
    }

    private static List<BoardVariant> parseBoards(List<String> values, Set<String> names, String option) {
        List<BoardVariant> result = new ArrayList<>();
        for (String value : values) {
            BoardVariant bv = BoardVariant.parse(value);
            if (!names.contains(bv.board())) {
                throw new InvalidInputException(option + ": unknown board '" + bv.board() + "' (tags and boards of this lab: "
                        + String.join(", ", names) + ")");
            }
            result.add(bv);
        }
        return result;
    }

    private static List<BoardVariant> parseFirmware(List<String> values, List<Tentacle> connected, Set<BoardVariant> available) {
        List<BoardVariant> result = new ArrayList<>();
        for (String value : values) {
            BoardVariant bv = BoardVariant.parse(value);
            List<Tentacle> boards = connected.stream().filter(t -> t.board().equals(bv.board())).toList();
            if (boards.isEmpty()) {
                throw new InvalidInputException("--firmware: no tentacle of this lab has board '" + bv.board() + "' (boards: "
                        + connected.stream().map(Tentacle::board).distinct().sorted().collect(Collectors.joining(", ")) + ")");
            }
            if (!bv.isDefaultVariant() && boards.stream().noneMatch(t -> t.variants().contains(bv.variant()))) {
                throw new InvalidInputException("--firmware: board " + bv.board() + " has no variant '" + bv.variant() + "' (variants: "
                        + boards.get(0).variants().stream().map(v -> v.isEmpty() ? "(default)" : v).collect(Collectors.joining(", ")) + ")");
            }
            boolean anyFirmware = bv.isDefaultVariant()
                    ? available.stream().anyMatch(f -> f.board().equals(bv.board()))
                    : available.contains(bv);
            if (!anyFirmware) {
                throw new InvalidInputException("--firmware: no firmware for " + bv.name() + " (missing firmware/" + bv.name() + "/firmware.json)");
            }
            result.add(bv);
        }
        return result;
    }

    private static Map<String, Set<String>> parseTags(List<String> values) {
        Map<String, Set<String>> filter = new LinkedHashMap<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
                throw new InvalidInputException("--only-tag: expected key=v1,v2, got '" + value + "'");
            }
            filter.computeIfAbsent(value.substring(0, eq), k -> new TreeSet<>())
                    .addAll(Arrays.asList(value.substring(eq + 1).split(",")));
        }
        return filter;
    }

    private static boolean matchesTags(Tentacle t, Map<String, Set<String>> filter) {
        for (var e : filter.entrySet()) {
            String actual = e.getKey().equals("board") ? t.board() : e.getKey().equals("port") ? t.port() : t.tags().get(e.getKey());
            if (actual == null || !e.getValue().contains(actual)) {
                return false;
            }
        }
        return true;
    }

    private static Tentacle withVariants(Tentacle t, List<String> variants) {
        return new Tentacle(t.serial(), t.tag(), t.board(), t.port(), t.futs(), variants, t.programmer(), t.powerOnDelaySeconds(),
                t.tags(), t.connection(), t.perftestArgs());
    }
}
