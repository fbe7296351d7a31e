package testbed.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import testbed.model.InvalidInputException;
import testbed.model.MicroPythonSource;
import testbed.process.ToolRunner;

/**
 * Makes a {@code --micropython SOURCE} into a source tree, once per source in the cache:
 * <ul>
 * <li>a folder: a checkout (its commit and {@code git describe} recorded when it is a git work tree) or an unpacked tree;
 * <li>a tarball ({@code .tar.xz}, {@code .tar.gz}, {@code .tgz}, {@code .tar}, {@code .zip}): unpacked once per content hash;
 * <li>{@code URL@REF} (any git remote, a local repository too; REF a branch, tag, commit or a PR ref such as
 * {@code pull/123/head}): fetched into one bare clone per remote, the commit checked out as a worktree of its own.
 * </ul>
 * A worktree is per commit, not per session: sessions of the same commit share it, and nothing writes into it (mpy-cross
 * and firmware builds put their output elsewhere), so a later session on a moved branch gets a worktree of its own.
 * The user's own checkout is used in place and left as it is.
 */
public final class Sources {

    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(20);
    private static final Pattern REMOTE = Pattern.compile("^(?:[a-z][a-z0-9+.-]*://|[^/@]+@[^:]+:|/|\\.|~).*");

    private Sources() {}

    /** @throws InvalidInputException naming the source and what is wrong with it */
    public static MicroPythonSource resolve(String source, Path cacheDir) {
        Path asPath = Path.of(source.startsWith("~/") ? System.getProperty("user.home") + source.substring(1) : source);
        Path cache = cacheDir.resolve("micropython");
        try {
            Files.createDirectories(cache);
            MicroPythonSource found = testbed.config.FileLocks.exclusive(cache.resolve(".lock"), () -> {
                if (Files.isDirectory(asPath)) {
                    return fromFolder(asPath.toAbsolutePath().normalize(), source);
                }
                if (Files.isRegularFile(asPath)) {
                    return fromTarball(asPath.toAbsolutePath().normalize(), source, cache);
                }
                int at = source.lastIndexOf('@');
                if (at > 0 && at < source.length() - 1 && REMOTE.matcher(source.substring(0, at)).matches()) {
                    return fromGit(source.substring(0, at), source.substring(at + 1), source, cache);
                }
                return null;
            });
            if (found != null) {
                return found;
            }
        } catch (IOException e) {
            throw new InvalidInputException("--micropython " + source + ": cannot use the cache " + cache + ": " + e.getMessage(), e);
        }
        throw new InvalidInputException("--micropython " + source + ": not a folder, a tarball or URL@REF (e.g. https://github.com/micropython/micropython@v1.27.0)");
    }

    /**
     * The source a session recorded, again: the same commit of a git source (a branch that moved since must not change
     * what runs), the same tarball or folder, or the same tests folder. For an agent serving the session and for
     * {@code testbed resume}.
     *
     * @param tests the tests folder, for a source given as a tests folder only ({@code hasRoot} false)
     */
    public static MicroPythonSource pinned(String origin, Optional<String> commit, Optional<String> tests, boolean hasRoot, Path cacheDir) {
        if (!hasRoot && tests.isPresent()) {
            return fromTestsFolder(Path.of(tests.get()));
        }
        int at = origin.lastIndexOf('@');
        boolean remote = at > 0 && origin.contains("://");
        return resolve(remote && commit.isPresent() ? origin.substring(0, at) + "@" + commit.get() : origin, cacheDir);
    }

    /** A plain tests folder ({@code --micropython-tests DIR}): its source tree too when it sits in one. */
    public static MicroPythonSource fromTestsFolder(Path tests) {
        if (!Files.isRegularFile(tests.resolve("run-tests.py"))) {
            throw new InvalidInputException("--micropython-tests " + tests + ": no run-tests.py in it (give MicroPython's tests/ folder)");
        }
        Path dir = tests.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        if (parent != null && isSourceTree(parent)) {
            MicroPythonSource around = fromFolder(parent, tests.toString());
            return new MicroPythonSource(dir, around.root(), tests.toString(), around.commit(), around.describe());
        }
        return new MicroPythonSource(dir, Optional.empty(), tests.toString(), Optional.empty(), "tests folder " + dir);
    }

    static boolean isSourceTree(Path dir) {
        return Files.isRegularFile(dir.resolve("tests/run-tests.py")) && Files.isRegularFile(dir.resolve("py/mpconfig.h"));
    }

    private static MicroPythonSource fromFolder(Path dir, String origin) {
        if (!isSourceTree(dir)) {
            throw new InvalidInputException("--micropython " + origin + ": not a MicroPython source tree (no tests/run-tests.py and py/mpconfig.h in " + dir + ")");
        }
        Optional<String> commit = Files.exists(dir.resolve(".git")) ? tryGit(dir, "rev-parse", "HEAD") : Optional.empty();
        String describe = commit.isPresent() ? tryGit(dir, "describe", "--tags", "--always", "--dirty").orElse(commit.get()) : version(dir);
        return new MicroPythonSource(dir.resolve("tests"), Optional.of(dir), origin, commit, describe);
    }

    private static MicroPythonSource fromTarball(Path file, String origin, Path cache) throws IOException {
        String name = file.getFileName().toString();
        List<String> unpack;
        if (name.endsWith(".zip")) {
            unpack = List.of("unzip", "-q", file.toString(), "-d");
        } else if (name.matches(".*\\.(tar|tar\\.xz|txz|tar\\.gz|tgz|tar\\.bz2|tar\\.zst)$")) {
            unpack = List.of("tar", "-xf", file.toString(), "-C");
        } else {
            throw new InvalidInputException("--micropython " + origin + ": not a folder and not a tarball (.tar.xz, .tar.gz, .tgz, .tar, .zip)");
        }
        String hash = testbed.config.FirmwareLoader.sha256(file);
        Path dest = cache.resolve("tarballs").resolve(hash.substring(0, 16));
        if (!Files.isDirectory(dest)) {
            Path tmp = Files.createDirectories(cache.resolve("tarballs")).resolve(dest.getFileName() + ".tmp");
            deleteTree(tmp);
            Files.createDirectories(tmp);
            List<String> cmd = new ArrayList<>(unpack);
            cmd.add(tmp.toString());
            ToolRunner.Captured c = ToolRunner.capture(cmd, tmp, Map.of(), GIT_TIMEOUT);
            if (!c.result().succeeded()) {
                deleteTree(tmp);
                throw new InvalidInputException("--micropython " + origin + ": cannot unpack (" + cmd.get(0) + " exited " + c.result().exitCode() + "): "
                        + lastLine(c.output()));
            }
            Files.move(tmp, dest);
        }
        Path root = isSourceTree(dest) ? dest : singleSubfolder(dest).filter(Sources::isSourceTree).orElseThrow(() ->
                new InvalidInputException("--micropython " + origin + ": the tarball holds no MicroPython source tree (tests/run-tests.py, py/mpconfig.h)"));
        return new MicroPythonSource(root.resolve("tests"), Optional.of(root), origin, Optional.empty(),
                version(root) + " (tarball sha256:" + hash.substring(0, 12) + ")");
    }

    private static MicroPythonSource fromGit(String remote, String ref, String origin, Path cache) {
        Path bare = bareClone(remote, origin, cache);
        String commit = fetch(bare, remote, ref, "--micropython " + origin);
        Path worktree = cache.resolve("worktrees").resolve(commit.substring(0, 16));
        if (!isSourceTree(worktree)) {
            deleteTree(worktree);
            tryGit(bare, "worktree", "prune");
            git(origin, bare, "worktree", "add", "--detach", "--force", worktree.toString(), commit);
        }
        if (!isSourceTree(worktree)) {
            throw new InvalidInputException("--micropython " + origin + ": commit " + commit + " is not a MicroPython source tree");
        }
        String describe = tryGit(worktree, "describe", "--tags", "--always").orElse(commit);
        return new MicroPythonSource(worktree.resolve("tests"), Optional.of(worktree), origin, Optional.of(commit), describe);
    }

    /** The cache's folder of sources, held against other sessions and processes while {@code body} clones or fetches into it. */
    private static <T> T underCacheLock(Path cacheDir, java.util.function.Function<Path, T> body) {
        Path cache = cacheFolder(cacheDir);
        try {
            return testbed.config.FileLocks.exclusive(cache.resolve(".lock"), () -> body.apply(cache));
        } catch (IOException e) {
            throw new InvalidInputException("cannot use the cache " + cache + ": " + e.getMessage(), e);
        }
    }

    private static Path cacheFolder(Path cacheDir) {
        Path cache = cacheDir.resolve("micropython");
        try {
            return Files.createDirectories(cache);
        } catch (IOException e) {
            throw new InvalidInputException("cannot use the cache " + cache + ": " + e.getMessage(), e);
        }
    }

    /** The one bare clone per remote in the cache, made on first use. */
    private static Path bareClone(String remote, String origin, Path cache) {
        // git reads a remote that starts with '-' as an option (--upload-pack=COMMAND runs COMMAND): never one.
        if (remote.startsWith("-")) {
            throw new InvalidInputException("--micropython " + origin + ": a git remote may not start with '-'");
        }
        Path bare = cache.resolve("git").resolve(hash(remote).substring(0, 16) + ".git");
        if (!Files.isDirectory(bare)) {
            git(origin, cache, "clone", "--bare", "--quiet", "--", remote, bare.toString());
        }
        return bare;
    }

    /** Fetches the ref itself (branches, tags, PR refs as refs/pull/N/head and, where the server allows, commits): its commit. */
    private static String fetch(Path bare, String remote, String ref, String what) {
        if (ref.startsWith("-")) {
            throw new InvalidInputException(what + ": a git ref may not start with '-'");
        }
        String fetchRef = ref.startsWith("pull/") ? "refs/" + ref : ref;
        Optional<String> fetched = tryGit(bare, "fetch", "--quiet", "--tags", "--", remote, fetchRef).flatMap(x -> tryGit(bare, "rev-parse", "FETCH_HEAD^{commit}"));
        return fetched.or(() -> tryGit(bare, "rev-parse", "--verify", "--quiet", ref + "^{commit}")).orElseThrow(() ->
                new InvalidInputException(what + ": no branch, tag or commit '" + ref + "' in " + remote));
    }

    /** A commit as a bisect names it. */
    public record Commit(String hash, String author, String subject) {}

    /** {@code URL@REF} split, or an error naming the option. */
    private static String[] remoteAndRef(String source, String option) {
        int at = source.lastIndexOf('@');
        if (at > 0 && at < source.length() - 1 && REMOTE.matcher(source.substring(0, at)).matches()) {
            return new String[] {source.substring(0, at), source.substring(at + 1)};
        }
        throw new InvalidInputException(option + " " + source + ": not URL@REF (a git remote or a local repository, and a branch, tag, commit or pull/N/head)");
    }

    /**
     * The commit where {@code URL@REF} (a PR's head) branched off {@code target} of the same remote: what a PR is
     * compared against when no base is given. Returned as {@code URL@COMMIT}.
     */
    public static String mergeBase(String source, String target, Path cacheDir) {
        String[] rr = remoteAndRef(source, "--head");
        return underCacheLock(cacheDir, cache -> {
            Path bare = bareClone(rr[0], source, cache);
            String head = fetch(bare, rr[0], rr[1], "--head " + source);
            String base = fetch(bare, rr[0], target, "--head " + source + " (its target branch)");
            String mb = tryGit(bare, "merge-base", base, head).orElseThrow(() ->
                    new InvalidInputException("--head " + source + ": no common ancestor with " + target + " of " + rr[0]));
            return rr[0] + "@" + mb;
        });
    }

    /**
     * The commits after {@code good} up to and including {@code bad} on the first-parent line, oldest first: what a
     * bisect searches. {@code remote} is a git URL or a local repository.
     */
    public static List<Commit> commitsBetween(String remote, String good, String bad, Path cacheDir) {
        String[] gb = underCacheLock(cacheDir, cache -> {
            Path bare = bareClone(remote, remote, cache);
            return new String[] {fetch(bare, remote, good, "--good " + good), fetch(bare, remote, bad, "--bad " + bad)};
        });
        Path bare = bareClone(remote, remote, cacheFolder(cacheDir));
        String g = gb[0];
        String b = gb[1];
        if (tryGit(bare, "merge-base", "--is-ancestor", g, b).isEmpty()) {
            throw new InvalidInputException("--good " + good + " is not an ancestor of --bad " + bad + " in " + remote);
        }
        String log = tryGit(bare, "log", "--reverse", "--first-parent", "--format=%H%x09%an%x09%s", g + ".." + b).orElseThrow(() ->
                new InvalidInputException("--micropython " + remote + ": cannot list the commits " + good + ".." + bad));
        List<Commit> commits = new ArrayList<>();
        for (String line : log.split("\n")) {
            String[] f = line.split("\t", 3);
            if (f.length == 3) {
                commits.add(new Commit(f[0], f[1], f[2]));
            }
        }
        return commits;
    }

    /** The version py/mpconfig.h declares, e.g. {@code v1.27.0}; {@code unknown version} when it cannot be read. */
    static String version(Path root) {
        try {
            String h = Files.readString(root.resolve("py/mpconfig.h"));
            String v = "v" + define(h, "MAJOR") + "." + define(h, "MINOR") + "." + define(h, "MICRO");
            return "0".equals(define(h, "PRERELEASE")) ? v : v + "-preview";
        } catch (IOException | IllegalStateException e) {
            return "unknown version";
        }
    }

    private static String define(String header, String part) {
        Matcher m = Pattern.compile("#define MICROPY_VERSION_" + part + " (\\d+)").matcher(header);
        if (!m.find()) {
            throw new IllegalStateException("no MICROPY_VERSION_" + part);
        }
        return m.group(1);
    }

    private static void git(String origin, Path cwd, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            ToolRunner.Captured c = ToolRunner.capture(cmd, cwd, Map.of("GIT_TERMINAL_PROMPT", "0"), GIT_TIMEOUT);
            if (!c.result().succeeded()) {
                throw new InvalidInputException("--micropython " + origin + ": git " + args[0] + " failed: " + lastLine(c.output()));
            }
        } catch (IOException e) {
            throw new InvalidInputException("--micropython " + origin + ": cannot run git (" + e.getMessage() + "); install git", e);
        }
    }

    private static Optional<String> tryGit(Path cwd, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "safe.directory=*"));
        cmd.addAll(List.of(args));
        try {
            ToolRunner.Captured c = ToolRunner.capture(cmd, cwd, Map.of("GIT_TERMINAL_PROMPT", "0"), GIT_TIMEOUT);
            return c.result().succeeded() ? Optional.of(c.output().strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static Optional<Path> singleSubfolder(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.toList();
            return all.size() == 1 && Files.isDirectory(all.get(0)) ? Optional.of(all.get(0)) : Optional.empty();
        }
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left for the next attempt, which starts with deleting it again
        }
    }
}
