package testbed.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What run-perfbench.py prints, as measurements: after {@code N=100 M=100 n_average=8}, one line per benchmark,
 * {@code perf_bench/bm_chaos.py: 3024.62 7.4752 16623.58 7.4910}: the mean time (µs) and its relative standard
 * deviation (%), the score and its own. A benchmark it skipped prints no numbers and gives none.
 */
public final class PerfbenchOutput {

    private static final Pattern PARAMS = Pattern.compile("^N=(\\d+) M=(\\d+) n_average=(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Pattern LINE = Pattern.compile("^(\\S+\\.py): ([0-9.]+) ([0-9.]+) ([0-9.]+) ([0-9.]+)\\s*$", Pattern.MULTILINE);

    private PerfbenchOutput() {}

    public static List<Measurement> parse(String output) {
        Matcher p = PARAMS.matcher(output);
        String params = p.find() ? "N=" + p.group(1) + " M=" + p.group(2) : "";
        List<Measurement> out = new ArrayList<>();
        Matcher m = LINE.matcher(output);
        while (m.find()) {
            String name = m.group(1);
            out.add(new Measurement(name + " time", Double.parseDouble(m.group(2)), "us", Double.parseDouble(m.group(3)), params));
            out.add(new Measurement(name + " score", Double.parseDouble(m.group(4)), "score", Double.parseDouble(m.group(5)), params));
        }
        return out;
    }

    public static List<Measurement> parse(Path log) throws IOException {
        return parse(Files.readString(log, StandardCharsets.UTF_8));
    }
}
