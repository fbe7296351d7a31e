package testbed.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import testbed.model.BoardVariant;
import testbed.model.Firmware;
import testbed.model.InvalidInputException;

/**
 * Reads {@code firmware/<BOARD[-VARIANT]>/firmware.json}. A prebuilt image must exist and match its sha256; an entry
 * with a build command may lack its image until the build has run.
 */
public final class FirmwareLoader {

    private FirmwareLoader() {}

    public static List<Firmware> loadAll(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> folders;
        try (Stream<Path> list = Files.list(dir)) {
            folders = list.filter(p -> Files.isRegularFile(p.resolve("firmware.json"))).sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException(dir + ": cannot list: " + e.getMessage(), e);
        }
        List<Firmware> result = new ArrayList<>();
        for (Path folder : folders) {
            result.add(load(folder.resolve("firmware.json")));
        }
        return result;
    }

    public static Firmware load(Path file) {
        JsonObject json = JsonObject.read(file);
        String board = json.name("board");
        if (board.contains("-")) {
            throw json.error("board", "a board name has no '-', got \"" + board + "\"");
        }
        String variant = json.string("variant", "");
        if (!variant.matches("[A-Za-z0-9_]*")) {
            throw json.error("variant", "invalid variant \"" + variant + "\"");
        }
        BoardVariant bv = new BoardVariant(board, variant);
        String folderName = file.getParent().getFileName().toString();
        if (!folderName.equals(bv.name())) {
            throw json.error("board", "folder is named " + folderName + " but the file describes " + bv.name());
        }
        String version = json.string("version");
        if (version.isBlank()) {
            throw json.error("version", "expected the version text the board reports, got an empty string");
        }
        String imageName = json.string("image");
        Path image = file.getParent().resolve(imageName);
        Optional<String> sha = json.has("sha256") ? Optional.of(json.string("sha256").toLowerCase()) : Optional.empty();
        Optional<Firmware.Build> build = json.optionalObject("build").map(b -> {
            var fb = new Firmware.Build(b.strings("command"), b.number("estimated_duration_s", 60));
            if (fb.command().isEmpty()) {
                throw b.error("command", "expected a non-empty command");
            }
            b.rejectUnknownFields();
            return fb;
        });
        List<Firmware.LeftOut> leftOut = new ArrayList<>();
        for (JsonObject rule : json.has("left_out") ? json.objects("left_out") : List.<JsonObject>of()) {
            String tests = rule.string("tests");
            try {
                java.util.regex.Pattern.compile(tests);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw rule.error("tests", "not a regular expression: \"" + tests + "\" (" + e.getDescription() + ")");
            }
            String reason = rule.string("reason");
            if (reason.isBlank()) {
                throw rule.error("reason", "say why these tests cannot run on this board");
            }
            leftOut.add(new Firmware.LeftOut(tests, rule.strings("only_with", List.of()), reason));
            rule.rejectUnknownFields();
        }
        json.rejectUnknownFields();
        if (build.isEmpty()) {
            if (!Files.isRegularFile(image)) {
                throw json.error("image", "image file not found: " + image);
            }
            if (sha.isEmpty()) {
                throw json.error("sha256", "missing (a prebuilt image needs its sha256)");
            }
        }
        return new Firmware(bv, version, image, sha, build, file, leftOut);
    }

    /** Checks a prebuilt image against its sha256, so a corrupted or swapped file is caught before flashing. */
    public static void verifyImage(Firmware firmware) {
        if (firmware.sha256().isEmpty() || !Files.isRegularFile(firmware.image())) {
            return;
        }
        String actual = sha256(firmware.image());
        if (!actual.equals(firmware.sha256().get())) {
            throw new InvalidInputException(firmware.file() + ": field 'sha256': does not match " + firmware.image().getFileName()
                    + " (expected " + firmware.sha256().get() + ", file has " + actual + ")");
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
