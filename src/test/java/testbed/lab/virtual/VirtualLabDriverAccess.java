package testbed.lab.virtual;

/** Test access to package-private facts of the virtual lab. */
public final class VirtualLabDriverAccess {

    private VirtualLabDriverAccess() {}

    public static boolean qemuInstalled() {
        return VirtualLabDriver.onPath(testbed.TestWorkspaces.CHECKOUT.settings().path(), VirtualLabDriver.QEMU);
    }
}
