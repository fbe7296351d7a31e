package testbed.runner;

/** A benchmark figure, e.g. {@code bm_fib: 1234.5 us}. */
public record Measurement(String name, double value, String unit) {}
