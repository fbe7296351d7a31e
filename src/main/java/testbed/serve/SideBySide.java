package testbed.serve;

import com.github.difflib.text.DiffRow;
import com.github.difflib.text.DiffRowGenerator;
import java.util.List;

/** A failing test's expected and actual output side by side, line against line, the differing part marked. */
final class SideBySide {

    /** One line pair; the texts are HTML already (escaped, with {@code <del>}/{@code <ins>} around what differs). */
    record Line(int number, String kind, String expected, String actual) {}

    private static final DiffRowGenerator GENERATOR = DiffRowGenerator.create().showInlineDiffs(true).inlineDiffByWord(false)
            .lineNormalizer(DiffRowGenerator.LINE_NORMALIZER_FOR_HTML).oldTag(open -> open ? "<del>" : "</del>")
            .newTag(open -> open ? "<ins>" : "</ins>").build();

    private SideBySide() {}

    static List<Line> of(String expected, String actual) {
        List<DiffRow> rows = GENERATOR.generateDiffRows(expected.lines().toList(), actual.lines().toList());
        java.util.ArrayList<Line> out = new java.util.ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            DiffRow r = rows.get(i);
            out.add(new Line(i + 1, r.getTag().name().toLowerCase(java.util.Locale.ROOT), r.getOldLine(), r.getNewLine()));
        }
        return out;
    }
}
