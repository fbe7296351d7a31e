package testbed.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux USB port path such as {@code 3-1.4.2}: bus 3, ports 1, 4, 2. Stable as long as the cabling is; tty names
 * are not. Compared component by component ("3-1" is not an ancestor of "3-10").
 */
public record UsbLocation(int bus, List<Integer> ports) {

    private static final Pattern FORM = Pattern.compile("(\\d+)-(\\d+(?:\\.\\d+)*)");

    public UsbLocation {
        ports = List.copyOf(ports);
    }

    public static UsbLocation parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a USB location: " + text);
        }
        List<Integer> ports = new ArrayList<>();
        for (String p : m.group(2).split("\\.")) {
            ports.add(Integer.parseInt(p));
        }
        return new UsbLocation(Integer.parseInt(m.group(1)), ports);
    }

    public static boolean isLocation(String text) {
        return FORM.matcher(text).matches();
    }

    public UsbLocation child(int port) {
        List<Integer> p = new ArrayList<>(ports);
        p.add(port);
        return new UsbLocation(bus, p);
    }

    public UsbLocation parent() {
        return new UsbLocation(bus, ports.subList(0, Math.max(1, ports.size() - 1)));
    }

    public int lastPort() {
        return ports.get(ports.size() - 1);
    }

    /** True when {@code other} sits somewhere below this location. */
    public boolean isAncestorOf(UsbLocation other) {
        return bus == other.bus && other.ports.size() > ports.size() && other.ports.subList(0, ports.size()).equals(ports);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(bus).append('-');
        for (int i = 0; i < ports.size(); i++) {
            s.append(i == 0 ? "" : ".").append(ports.get(i));
        }
        return s.toString();
    }
}
