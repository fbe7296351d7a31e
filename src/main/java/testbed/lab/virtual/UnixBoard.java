package testbed.lab.virtual;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import testbed.model.LabException;

/**
 * A board made of MicroPython's unix port: {@code unix-board.py} (shipped in the jar, unpacked into the cache by its
 * content hash) runs the flashed {@code micropython} binary on a pty of its own and restarts it on a soft reset, as
 * the board's main loop would. Its working folder is the board's own filesystem, inside its flash store.
 */
final class UnixBoard {

    private static final String SCRIPT = "unix-board.py";

    private UnixBoard() {}

    /** The wrapper script, unpacked once per content. */
    static synchronized Path script(Path cacheDir) {
        try (InputStream in = UnixBoard.class.getResourceAsStream("/testbed/virtual-board/" + SCRIPT)) {
            if (in == null) {
                throw new LabException("resource missing from the jar: testbed/virtual-board/" + SCRIPT);
            }
            byte[] content = in.readAllBytes();
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
            Path file = cacheDir.resolve("unix-board").resolve(hash).resolve(SCRIPT);
            if (!Files.isRegularFile(file)) {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), SCRIPT, ".tmp");
                Files.write(tmp, content);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new LabException("virtual lab: cannot unpack " + SCRIPT + ": " + e.getMessage(), e);
        }
    }

    /** The board's process for what its flash holds; null when nothing bootable is there. */
    static List<String> command(Path wrapper, Path store, String path) {
        Path image = store.resolve("flash.img");
        if (!Files.isRegularFile(image)) {
            return null;
        }
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        return List.of(python, wrapper.toString(), "--image", image.toString(), "--cwd", store.resolve("fs").toString());
    }
}
