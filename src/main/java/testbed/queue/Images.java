package testbed.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import testbed.config.FirmwareLoader;
import testbed.flash.Flasher;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.LabException;

/**
 * Firmware images through the queue, by content: the coordinator publishes each image a lease may flash once (its
 * sha256 is its name), and an agent takes an image from its own {@code firmware/} when that has the same bytes, else
 * fetches it into its cache and checks the sha256 before anything flashes it. So an image built on the coordinator
 * from {@code --micropython} reaches an agent on another host whose {@code firmware/} never had it.
 */
final class Images {

    private final QueueDb db;
    /** Published by this coordinator (or found there): not sent again. */
    private final Set<String> published = ConcurrentHashMap.newKeySet();

    Images(QueueDb db) {
        this.db = db;
    }

    /** The coordinator: the image of {@code fw} as a ticket names it, put into the queue unless it is there. */
    Wire.Image publish(Firmware fw) throws SQLException {
        if (!Files.isRegularFile(fw.image())) {
            throw new LabException("firmware " + fw.boardVariant().name() + ": no image " + fw.image() + " to send to the agents");
        }
        String sha = FirmwareLoader.sha256(fw.image());
        Wire.Image image = new Wire.Image(fw.boardVariant().name(), Flasher.expectedVersion(fw), sha, fw.image().getFileName().toString());
        if (published.contains(sha)) {
            return image;
        }
        byte[] content;
        try {
            content = Files.readAllBytes(fw.image());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + fw.image() + ": " + e.getMessage(), e);
        }
        db.tx(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO queue_image (sha256, board_variant, file_name, size_bytes, content, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, now()) ON CONFLICT (sha256) DO NOTHING")) {
                st.setString(1, sha);
                st.setString(2, image.boardVariant());
                st.setString(3, image.fileName());
                st.setLong(4, content.length);
                st.setBytes(5, content);
                st.executeUpdate();
            }
            return null;
        });
        published.add(sha);
        return image;
    }

    /**
     * The agent: the firmware to flash for a ticket's image. Its own catalog's when that image has these bytes;
     * else the cached copy ({@code cache/<sha256>/<file>}), fetched from the queue first if missing, checked by its sha256.
     */
    static Firmware resolve(QueueDb db, Wire.Image image, Map<BoardVariant, Firmware> own, Path cache) throws SQLException {
        BoardVariant bv = BoardVariant.parse(image.boardVariant());
        Firmware mine = own.get(bv);
        if (mine != null && Files.isRegularFile(mine.image()) && image.sha256().equals(FirmwareLoader.sha256(mine.image()))) {
            return travelled(bv, image, mine.image(), mine.file(), mine);
        }
        if (!image.fileName().matches("[A-Za-z0-9._-]+") || !image.sha256().matches("[0-9a-f]{64}")) {
            throw new LabException("queue: image " + image.boardVariant() + " has an unusable name or hash: " + image.fileName() + " " + image.sha256());
        }
        Path dir = cache.resolve(image.sha256());
        Path file = dir.resolve(image.fileName());
        if (!Files.isRegularFile(file) || !image.sha256().equals(FirmwareLoader.sha256(file))) {
            byte[] content = db.tx(c -> {
                try (PreparedStatement st = c.prepareStatement("SELECT content FROM queue_image WHERE sha256 = ?")) {
                    st.setString(1, image.sha256());
                    try (ResultSet rs = st.executeQuery()) {
                        return rs.next() ? rs.getBytes(1) : null;
                    }
                }
            });
            if (content == null) {
                throw new LabException("queue: image " + image.sha256() + " of " + image.boardVariant() + " is not in the queue");
            }
            try {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "image", ".part");
                Files.write(tmp, content);
                if (!image.sha256().equals(FirmwareLoader.sha256(tmp))) {
                    Files.deleteIfExists(tmp);
                    throw new LabException("queue: image of " + image.boardVariant() + " does not match its sha256 " + image.sha256());
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the image of " + image.boardVariant() + " in " + dir + ": " + e.getMessage(), e);
            }
        }
        return travelled(bv, image, file, dir.resolve("firmware.json"), mine);
    }

    /** The image as the agent flashes it; the tests its boards cannot run come from the agent's own firmware folder, if it has one. */
    private static Firmware travelled(BoardVariant bv, Wire.Image image, Path file, Path json, Firmware mine) {
        return new Firmware(bv, image.version(), file, Optional.of(image.sha256()), Optional.empty(), json,
                mine == null ? java.util.List.of() : mine.leftOut());
    }
}
