package testbed.runner;

import java.util.List;

/** A failing test's output against what was expected, kept next to the test's result: the diff and the one-line reason. */
final class Diff {

    private Diff() {}

    /** The whole expected and actual output as one unified diff hunk (java-diff-utils): every line, the differing ones marked. */
    static String unified(String expected, String actual, String expectedName, String actualName) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        com.github.difflib.patch.Patch<String> patch = com.github.difflib.DiffUtils.diff(a, b);
        List<String> lines = com.github.difflib.UnifiedDiffUtils.generateUnifiedDiff(expectedName, actualName, a, patch, Math.max(a.size(), b.size()));
        return lines.isEmpty() ? "--- " + expectedName + "\n+++ " + actualName + "\n" : String.join("\n", lines) + "\n";
    }

    /** The first line that differs, for the one-line reason. */
    static String firstDifference(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "(end)";
            String y = i < b.size() ? b.get(i) : "(end)";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ": expected " + abbreviate(x) + ", got " + abbreviate(y);
            }
        }
        return "output differs";
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? "'" + s.substring(0, 57) + "...'" : "'" + s + "'";
    }
}
