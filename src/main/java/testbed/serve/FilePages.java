package testbed.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The results folder's pages: a folder listed, a file shown as text, a failing test's output beside what was expected. */
final class FilePages {

    private static final long MAX_SHOWN = 1 << 20;

    private final Templates templates;
    private final SafeFiles files;
    private final java.util.function.BiFunction<String, String, Map<String, Object>> model;

    /** @param model a page's common model (page name, title) */
    FilePages(Templates templates, SafeFiles files, java.util.function.BiFunction<String, String, Map<String, Object>> model) {
        this.templates = templates;
        this.files = files;
        this.model = model;
    }

    /** A folder of results/ listed, or a file shown as text. */
    String browse(String path) {
        String rel = path == null ? "" : path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        Path p = files.resolve(rel).orElseThrow(() -> new Pages.NotFound("results/" + rel));
        Map<String, Object> m = model.apply("browse", "results/" + rel);
        m.put("path", rel);
        m.put("parent", rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : rel.isEmpty() ? null : "");
        if (Files.isDirectory(p)) {
            List<Map<String, Object>> entries = new ArrayList<>();
            try (Stream<Path> s = Files.list(p)) {
                for (Path f : s.sorted().toList()) {
                    boolean folder = Files.isDirectory(f);
                    String name = f.getFileName().toString();
                    entries.add(Map.of("name", name, "href", (rel.isEmpty() ? "" : rel + "/") + name, "folder", folder, "size",
                            folder ? "" : size(f)));
                }
            } catch (IOException e) {
                throw new Pages.NotFound("results/" + rel);
            }
            m.put("entries", entries);
            return templates.render("browse", m);
        }
        try {
            long size = Files.size(p);
            byte[] bytes;
            try (var in = Files.newInputStream(p)) {
                bytes = in.readNBytes((int) Math.min(size, MAX_SHOWN));
            }
            m.put("text", new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            m.put("truncated", size > MAX_SHOWN);
            m.put("shown", bytes.length);
            m.put("size", size);
        } catch (IOException e) {
            throw new Pages.NotFound("results/" + rel);
        }
        return templates.render("file", m);
    }

    /** A failing test's expected and actual output side by side: its .exp and .out, or the unified diff the built-in runner kept. */
    String diff(String folder, String test) {
        if (test == null || test.isBlank()) {
            throw new Pages.NotFound("which test? (?test=NAME)");
        }
        Path dir = files.resolve(folder).filter(Files::isDirectory).orElseThrow(() -> new Pages.NotFound("results/" + folder));
        String base = test.replace("..", "_").replace("./", "").replace('/', '_');
        Optional<Path> exp = files.resolve(files.relative(dir) + "/" + base + ".exp");
        Optional<Path> out = files.resolve(files.relative(dir) + "/" + base + ".out");
        Optional<Path> unified = files.resolve(files.relative(dir) + "/" + base + ".diff");
        String expected;
        String actual;
        try {
            if (exp.isPresent() && out.isPresent()) {
                expected = Files.readString(exp.get());
                actual = Files.readString(out.get());
            } else if (unified.isPresent()) {
                StringBuilder e = new StringBuilder();
                StringBuilder a = new StringBuilder();
                List<String> lines = Files.readAllLines(unified.get());
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if ((i < 2 && (line.startsWith("--- ") || line.startsWith("+++ "))) || line.startsWith("@@ ")) {
                        continue; // the two file names, and the hunk headers
                    }
                    String text = line.isEmpty() ? "" : line.substring(1);
                    if (!line.startsWith("+")) {
                        e.append(text).append('\n');
                    }
                    if (!line.startsWith("-")) {
                        a.append(text).append('\n');
                    }
                }
                expected = e.toString();
                actual = a.toString();
            } else {
                throw new Pages.NotFound("no output of " + test + " in results/" + folder);
            }
        } catch (IOException e) {
            throw new Pages.NotFound("results/" + folder);
        }
        Map<String, Object> m = model.apply("diff", test);
        m.put("test", test);
        m.put("folder", files.relative(dir));
        m.put("expName", base + ".exp");
        m.put("outName", exp.isPresent() ? base + ".out" : base + ".diff");
        m.put("lines", SideBySide.of(expected, actual));
        return templates.render("diff", m);
    }

    private static String size(Path f) {
        try {
            long n = Files.size(f);
            return n < 10_000 ? n + " B" : n < 10_000_000 ? n / 1024 + " KiB" : n / (1024 * 1024) + " MiB";
        } catch (IOException e) {
            return "";
        }
    }
}
