package testbed.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import testbed.model.BoardVariant;
import testbed.model.Connection;
import testbed.model.Fut;
import testbed.model.Programmer;
import testbed.model.RunnerSpec;
import testbed.model.Tentacle;
import testbed.model.TestRunSpec;

/** A generated lab of any size, for measuring the scheduler where no such lab exists. Deterministic per seed. */
public record SyntheticLab(List<Tentacle> tentacles, List<TestRunSpec> specs, Set<BoardVariant> firmware) {

    /**
     * @param tentacles number of tentacles; identical tentacles come in groups of {@code perKind}
     * @param variantsPerBoard build variants of every board (the default plus {@code variantsPerBoard - 1})
     */
    public static SyntheticLab generate(int tentacles, int perKind, int specs, int variantsPerBoard, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Tentacle> list = new ArrayList<>();
        Set<BoardVariant> firmware = new java.util.TreeSet<>();
        int kinds = Math.max(1, tentacles / perKind);
        for (int k = 0; k < kinds; k++) {
            String board = k == 0 ? "RPI_PICO_W" : "BOARD_" + k;
            List<String> variants = new ArrayList<>();
            variants.add("");
            for (int v = 1; v < variantsPerBoard; v++) {
                variants.add("V" + v);
            }
            Set<Fut> futs = EnumSet.of(Fut.FUT_MCU_ONLY, Fut.FUT_EXTMOD_HARDWARE);
            if (k == 0 || random.nextInt(3) == 0) {
                futs.add(Fut.FUT_WLAN);
            }
            if (k == 0 || random.nextInt(4) == 0) {
                futs.add(Fut.FUT_BLE);
            }
            for (String v : variants) {
                firmware.add(new BoardVariant(board, v));
            }
            for (int i = 0; i < perKind && list.size() < tentacles; i++) {
                String serial = String.format("%012x-%04x", k, list.size());
                list.add(new Tentacle(serial, board, board, "rp2", futs, variants, new Programmer("virtual", List.of()), 0,
                        Map.of("tier", String.valueOf(1 + k % 3)), new Connection("virtual", Map.of())));
            }
        }
        List<TestRunSpec> specList = new ArrayList<>();
        Fut[] futs = Fut.values();
        for (int s = 0; s < specs; s++) {
            Fut fut = futs[s % futs.length];
            boolean reference = fut == Fut.FUT_WLAN || fut == Fut.FUT_BLE;
            double estimate = 20 + random.nextInt(600);
            specList.add(new TestRunSpec(String.format("SPEC_%02d", s), "synthetic", new RunnerSpec.BuiltinTests("none", 10), fut,
                    reference, estimate * 3, 0, OptionalDouble.of(estimate), Path.of("synthetic")));
        }
        return new SyntheticLab(list, specList, firmware);
    }
}
