package testbed.lab;

import java.util.Map;
import java.util.Set;

/** USB IDs of MicroPython boards in application and boot mode (from octoprobe's table). */
public final class UsbIds {

    public static final String TENTACLE_HUB = "0424:2514";
    public static final String PICO_APP = "2e8a:0005";
    public static final String PICO_BOOT = "2e8a:0003";
    public static final String PICO2_BOOT = "2e8a:000f";

    /** Devices that are (or may be, behind a USB-UART bridge) a MicroPython REPL. */
    public static final Map<String, String> MICROPYTHON_APP = Map.ofEntries(
            Map.entry(PICO_APP, "rp2 (RP2040/RP2350) MicroPython"),
            Map.entry("f055:9800", "stm32 pyboard MicroPython"),
            Map.entry("f055:9802", "MicroPython (teensy, samd)"),
            Map.entry("303a:4001", "ESP32-S3 MicroPython (native USB)"),
            Map.entry("303a:1001", "ESP32-C3/S3 USB serial/JTAG"),
            Map.entry("10c4:ea60", "CP210x USB-UART (ESP32 DevKit)"),
            Map.entry("1a86:7523", "CH340 USB-UART (ESP8266 boards)"),
            Map.entry("2341:025a", "Arduino Nano 33 BLE MicroPython"));

    /** Boot-mode devices a programmer talks to. */
    public static final Set<String> BOOT = Set.of(PICO_BOOT, PICO2_BOOT, "0483:df11", "16c0:0478", "2341:005a", "239a:000f", "303a:1001");

    private UsbIds() {}
}
