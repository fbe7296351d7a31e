package testbed.lab;

import java.util.Map;

/**
 * Where a programmer finds a DUT in boot mode, as placeholders for its command line: {@code {port}} (a tty),
 * {@code {bus}}/{@code {address}} (picotool), {@code {serial}} (dfu-util), {@code {mount}} (UF2 drive),
 * {@code {store}} (the virtual programmer).
 */
public record BootTarget(Map<String, String> placeholders) {

    public BootTarget {
        placeholders = Map.copyOf(placeholders);
    }
}
