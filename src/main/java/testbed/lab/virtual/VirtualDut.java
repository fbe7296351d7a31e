package testbed.lab.virtual;

import java.util.Map;
import testbed.board.BoardIoException;
import testbed.lab.BootTarget;
import testbed.lab.Dut;
import testbed.model.Tentacle;

/** A virtual tentacle's DUT: power and boot mode act on the simulator process, the device is its pty link. */
final class VirtualDut implements Dut {

    private final Tentacle tentacle;
    private final SimulatedBoard board;
    /** The node helpers (the programmer script); unpacked on first use, also for QEMU boards. */
    private final java.util.function.Supplier<NodeRuntime> node;

    VirtualDut(Tentacle tentacle, SimulatedBoard board, java.util.function.Supplier<NodeRuntime> node) {
        this.tentacle = tentacle;
        this.board = board;
        this.node = node;
    }

    SimulatedBoard board() {
        return board;
    }

    @Override
    public Tentacle tentacle() {
        return tentacle;
    }

    @Override
    public String port() throws BoardIoException {
        return board.port();
    }

    @Override
    public void powerCycle() throws BoardIoException {
        board.leaveBootMode();
        board.powerCycle();
    }

    @Override
    public boolean hardReset() throws BoardIoException {
        board.leaveBootMode();
        board.hardReset();
        return true;
    }

    @Override
    public BootTarget enterBootMode() throws BoardIoException {
        board.enterBootMode();
        NodeRuntime runtime = node.get();
        return new BootTarget(Map.of(
                "store", board.store().toString(),
                "programmer_script", runtime.programmerScript().toString(),
                "port", board.port()));
    }

    @Override
    public String describe() {
        String port;
        try {
            port = board.port();
        } catch (BoardIoException e) {
            port = "(unplugged)";
        }
        return port + " (" + tentacle.connection().kind() + ")";
    }
}
