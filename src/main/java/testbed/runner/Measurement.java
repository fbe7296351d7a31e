package testbed.runner;

/**
 * A benchmark figure, e.g. {@code perf_bench/bm_chaos.py time: 3024.6 us ± 7.5 %}.
 *
 * @param spread the relative standard deviation of the repeats behind {@code value}, in percent; 0 when unknown
 * @param params what the figure was measured with ({@code N=100 M=100}: run-perfbench.py's CPU MHz and heap KB), so
 *     figures of other sizes are never one series
 */
public record Measurement(String name, double value, String unit, double spread, String params) {

    public Measurement {
        params = params == null ? "" : params;
    }

    public Measurement(String name, double value, String unit) {
        this(name, value, unit, 0, "");
    }
}
