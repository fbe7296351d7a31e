package testbed.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.MicroPythonSource;
import testbed.model.Tentacle;
import testbed.selection.Selection;

/**
 * Whether the firmware a session flashes comes from the MicroPython source whose tests it runs. A prebuilt image
 * (a package, a release download) of another version fails the tests of features it predates: the plan, the console,
 * summary.json and the report say so, so that such a failure is not taken for a bug.
 */
public final class Provenance {

    private static final Pattern VERSION = Pattern.compile("MicroPython (v?\\d+\\.\\d+[^ ;,]*)");
    /** A source that is a release exactly: {@code v1.27.0}, or {@code v1.27.0 (tarball sha256:...)}; not {@code v1.27.0-12-gabc}. */
    private static final Pattern SOURCE_TAG = Pattern.compile("(v\\d+\\.\\d+\\.\\d+)(?: \\(.*\\))?");

    private Provenance() {}

    /** One line per board-variant the selection can flash whose firmware is not built from {@code source}; empty without a source. */
    public static List<String> notFromSource(Selection selection, Map<BoardVariant, Firmware> catalog, Optional<MicroPythonSource> source) {
        if (source.isEmpty()) {
            return List.of();
        }
        TreeSet<BoardVariant> used = new TreeSet<>(java.util.Comparator.comparing(BoardVariant::name));
        for (Tentacle t : selection.duts()) {
            t.variants().forEach(v -> used.add(t.boardVariant(v)));
        }
        if (selection.specs().stream().anyMatch(testbed.model.TestRunSpec::requiresReference)) {
            selection.referencePool().stream().filter(r -> selection.duts().stream().anyMatch(r::wiredTo))
                    .forEach(t -> used.add(t.boardVariant(t.variants().get(0))));
        }
        List<String> lines = new ArrayList<>();
        String sourceVersion = source.get().describe();
        Matcher tag = SOURCE_TAG.matcher(sourceVersion);
        Optional<String> sourceTag = tag.matches() ? Optional.of(tag.group(1)) : Optional.empty();
        for (BoardVariant bv : used) {
            Firmware fw = catalog.get(bv);
            if (fw == null || (fw.needsSource() && source.get().root().isPresent())) {
                continue;
            }
            Matcher m = VERSION.matcher(fw.version());
            if (m.find() && sourceTag.isPresent() && sourceTag.get().equals(m.group(1))) {
                continue; // a release's prebuilt image and the release's own source: the same code
            }
            String version = m.find(0) ? "MicroPython " + m.group(1) : "'" + fw.version() + "'";
            lines.add(bv.name() + ": prebuilt firmware (" + version + "), not built from the source under test (" + sourceVersion + ")");
        }
        return lines;
    }
}
