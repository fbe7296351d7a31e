package testbed.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Inline SVG charts: the report must work offline and from a file, so no script and no CDN. */
final class Svg {

    static final String PASS = "#2e7d32";
    static final String FAIL = "#e67e22";
    static final String ERROR = "#c62828";
    static final String SKIP = "#9e9e9e";
    static final String LINE = "#1565c0";

    private Svg() {}

    static String esc(String s) {
        // Board output can carry control characters (Ctrl-D, ESC) that XML 1.0 forbids even escaped.
        return s == null ? "" : s.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]", "?").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A bar of the timing chart: one attempt on one tentacle. */
    record Bar(String row, Instant start, Instant end, String color, String label) {}

    /** Tentacles × time, like the anchor's timing report but drawn. */
    static String timeline(List<String> rows, List<Bar> bars, Instant start, Instant end) {
        int left = 170;
        int width = 900;
        int rowHeight = 22;
        int height = 30 + rows.size() * rowHeight;
        double span = Math.max(1, Duration.between(start, end).toMillis());
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(left + width + 20).append("\" height=\"")
                .append(height).append("\" role=\"img\" aria-label=\"timing chart\">");
        for (int i = 0; i <= 10; i++) {
            double x = left + width * i / 10.0;
            svg.append("<line x1=\"").append(f(x)).append("\" y1=\"0\" x2=\"").append(f(x)).append("\" y2=\"").append(height - 20)
                    .append("\" stroke=\"#ddd\"/>");
            long seconds = Math.round(span / 1000 * i / 10);
            svg.append("<text x=\"").append(f(x)).append("\" y=\"").append(height - 5).append("\" font-size=\"10\" text-anchor=\"middle\">")
                    .append(seconds).append(" s</text>");
        }
        for (int i = 0; i < rows.size(); i++) {
            svg.append("<text x=\"4\" y=\"").append(i * rowHeight + 15).append("\" font-size=\"11\">").append(esc(rows.get(i))).append("</text>");
        }
        for (Bar b : bars) {
            int row = rows.indexOf(b.row());
            double x = left + width * Duration.between(start, b.start()).toMillis() / span;
            double w = Math.max(2, width * Duration.between(b.start(), b.end()).toMillis() / span);
            svg.append("<rect x=\"").append(f(x)).append("\" y=\"").append(row * rowHeight + 3).append("\" width=\"").append(f(w))
                    .append("\" height=\"").append(rowHeight - 6).append("\" fill=\"").append(b.color()).append("\"><title>").append(esc(b.label()))
                    .append("</title></rect>");
        }
        return svg.append("</svg>").toString();
    }

    /** A line chart of values over sessions; {@code marks} are indices drawn as change points. */
    static String line(String title, List<String> xLabels, List<Double> values, double min, double max, String unit, List<Integer> marks) {
        return line(title, xLabels, values, min, max, unit, marks, Double.NaN, Double.NaN);
    }

    /**
     * A line chart; with {@code bandLow}..{@code bandHigh} (a benchmark's noise band) shaded behind the points, so a
     * point outside it (a change, marked red) stands out.
     */
    static String line(String title, List<String> xLabels, List<Double> values, double min, double max, String unit, List<Integer> marks,
            double bandLow, double bandHigh) {
        int left = 50;
        int width = 420;
        int height = 160;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(left + width + 20).append("\" height=\"")
                .append(height + 40).append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">");
        svg.append("<text x=\"").append(left).append("\" y=\"14\" font-size=\"12\" font-weight=\"bold\">").append(esc(title)).append("</text>");
        double range = max - min == 0 ? 1 : max - min;
        svg.append("<line x1=\"").append(left).append("\" y1=\"").append(height + 20).append("\" x2=\"").append(left + width).append("\" y2=\"")
                .append(height + 20).append("\" stroke=\"#999\"/>");
        svg.append("<text x=\"").append(left - 4).append("\" y=\"24\" font-size=\"10\" text-anchor=\"end\">").append(esc(fmt(max) + unit)).append("</text>");
        svg.append("<text x=\"").append(left - 4).append("\" y=\"").append(height + 20).append("\" font-size=\"10\" text-anchor=\"end\">")
                .append(esc(fmt(min) + unit)).append("</text>");
        if (!Double.isNaN(bandLow) && !Double.isNaN(bandHigh)) {
            double top = 20 + height - height * (Math.min(max, bandHigh) - min) / range;
            double bottom = 20 + height - height * (Math.max(min, bandLow) - min) / range;
            svg.append("<rect class=\"band\" x=\"").append(left).append("\" y=\"").append(f(top)).append("\" width=\"").append(width)
                    .append("\" height=\"").append(f(Math.max(1, bottom - top))).append("\" fill=\"#cfe3f7\"><title>")
                    .append(esc("noise band " + fmt(bandLow) + unit + " .. " + fmt(bandHigh) + unit)).append("</title></rect>");
        }
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            double x = left + (values.size() == 1 ? width / 2.0 : width * i / (double) (values.size() - 1));
            double y = 20 + height - height * (values.get(i) - min) / range;
            points.append(f(x)).append(',').append(f(y)).append(' ');
            String color = marks.contains(i) ? ERROR : LINE;
            svg.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"").append(marks.contains(i) ? 5 : 3)
                    .append("\" fill=\"").append(color).append("\"><title>").append(esc(xLabels.get(i) + ": " + fmt(values.get(i)) + unit))
                    .append("</title></circle>");
        }
        svg.append("<polyline fill=\"none\" stroke=\"").append(LINE).append("\" stroke-width=\"2\" points=\"").append(points.toString().strip())
                .append("\"/>");
        if (!xLabels.isEmpty()) {
            svg.append("<text x=\"").append(left).append("\" y=\"").append(height + 34).append("\" font-size=\"10\">").append(esc(xLabels.get(0)))
                    .append("</text>");
            svg.append("<text x=\"").append(left + width).append("\" y=\"").append(height + 34).append("\" font-size=\"10\" text-anchor=\"end\">")
                    .append(esc(xLabels.get(xLabels.size() - 1))).append("</text>");
        }
        return svg.append("</svg>").toString();
    }

    /** A stacked bar of test outcomes. */
    static String stacked(Map<String, Long> parts, Map<String, String> colors) {
        long total = Math.max(1, parts.values().stream().mapToLong(Long::longValue).sum());
        StringBuilder svg = new StringBuilder("<svg class=\"chart outcomes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"18\">");
        double x = 0;
        for (var e : parts.entrySet()) {
            double w = 400.0 * e.getValue() / total;
            svg.append("<rect x=\"").append(f(x)).append("\" y=\"0\" width=\"").append(f(w)).append("\" height=\"18\" fill=\"")
                    .append(colors.getOrDefault(e.getKey(), SKIP)).append("\"><title>").append(esc(e.getKey() + ": " + e.getValue())).append("</title></rect>");
            x += w;
        }
        return svg.append("</svg>").toString();
    }

    static String fmt(double v) {
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
