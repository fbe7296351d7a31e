package testbed.app;

import java.util.Optional;
import testbed.bench.UploadBenchmark;
import testbed.config.Workspace;
import testbed.lab.Discovery;
import testbed.lab.drivers.ConnectedLab;
import testbed.model.LabException;

/** The benchmarks that need a lab connected: {@code bench upload}. */
public final class Benchmarks {

    /** @param board the board measured, as a label and where it is */
    public record Upload(String board, String where, UploadBenchmark.Result result) {}

    private Benchmarks() {}

    /**
     * The raw-REPL upload rate of one board of {@code lab}: the given tentacle (label or serial), else the first that answers.
     * Only that board's lab driver is asked; a board that is lost while measured is a lab error.
     */
    public static Upload upload(Workspace workspace, String lab, Optional<String> tentacle, int size, int repeat) {
        try (ConnectedLab connected = ConnectedLab.connect(workspace.lab(lab), workspace.settings())) {
            Discovery.Found found = connected.discovery().found().stream()
                    .filter(f -> tentacle.isEmpty() ? f.identity().isPresent()
                            : f.dut().tentacle().label().equals(tentacle.get()) || f.dut().tentacle().serial().equals(tentacle.get()))
                    .findFirst()
                    .orElseThrow(() -> new LabException(tentacle.isEmpty() ? "no tentacle answers: flash them first (testbed flash)"
                            : "tentacle " + tentacle.get() + " not found"));
            try {
                return new Upload(found.dut().tentacle().label(), found.dut().describe(), UploadBenchmark.run(found.dut(), size, repeat));
            } catch (testbed.board.BoardIoException e) {
                throw new LabException(found.dut().tentacle().label() + ": " + e.getMessage(), e);
            }
        }
    }
}
