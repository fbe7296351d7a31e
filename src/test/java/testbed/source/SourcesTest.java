package testbed.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.model.InvalidInputException;
import testbed.model.MicroPythonSource;

/** Every form of --micropython, on a small source tree of our own (a git repository, a tarball, a folder). */
class SourcesTest {

    @TempDir
    Path dir;

    private Path tree(Path root, String micro) throws IOException {
        Files.createDirectories(root.resolve("tests"));
        Files.createDirectories(root.resolve("py"));
        Files.writeString(root.resolve("tests/run-tests.py"), "print('runner')\n");
        Files.writeString(root.resolve("py/mpconfig.h"), "#define MICROPY_VERSION_MAJOR 1\n#define MICROPY_VERSION_MINOR 27\n#define MICROPY_VERSION_MICRO "
                + micro + "\n#define MICROPY_VERSION_PRERELEASE 0\n");
        return root;
    }

    private static String sh(Path cwd, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    private Path repo() throws Exception {
        Path repo = tree(dir.resolve("upstream"), "0");
        sh(repo, "git", "init", "-q", "-b", "master");
        sh(repo, "git", "-c", "user.email=t@t", "-c", "user.name=t", "add", ".");
        sh(repo, "git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "v1.27.0");
        sh(repo, "git", "tag", "v1.27.0");
        return repo;
    }

    @Test
    void gitUrlAtTagBranchAndCommitGetsAWorktreePerCommit() throws Exception {
        Path repo = repo();
        String tagged = sh(repo, "git", "rev-parse", "HEAD");
        Path cache = dir.resolve("cache");

        MicroPythonSource atTag = Sources.resolve("file://" + repo + "@v1.27.0", cache);
        assertThat(atTag.commit()).contains(tagged);
        assertThat(atTag.describe()).isEqualTo("v1.27.0");
        assertThat(atTag.tests()).isEqualTo(atTag.root().orElseThrow().resolve("tests"));
        assertThat(Files.readString(atTag.tests().resolve("run-tests.py"))).contains("runner");

        // The branch moves on: a new commit, a new worktree; the tag's worktree stays as it was.
        Files.writeString(repo.resolve("tests/new_test.py"), "print(1)\n");
        sh(repo, "git", "add", ".");
        sh(repo, "git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "next");
        String head = sh(repo, "git", "rev-parse", "HEAD");
        MicroPythonSource atBranch = Sources.resolve(repo + "@master", cache);
        assertThat(atBranch.commit()).contains(head);
        assertThat(atBranch.root()).isNotEqualTo(atTag.root());
        assertThat(atBranch.tests().resolve("new_test.py")).exists();
        assertThat(atTag.tests().resolve("new_test.py")).doesNotExist();
        assertThat(atBranch.describe()).startsWith("v1.27.0-1-g");

        // A commit by its hash, and the same source again: the cached clone and worktree are reused.
        assertThat(Sources.resolve(repo + "@" + tagged, cache).root()).isEqualTo(atTag.root());
        assertThat(atBranch.summary()).contains("commit " + head.substring(0, 12)).contains("@master");
    }

    @Test
    void aPullRequestIsComparedWithItsMergeBaseAndABisectListsTheFirstParentLine() throws Exception {
        Path repo = repo();
        String base = sh(repo, "git", "rev-parse", "HEAD");
        // master moves on after the PR branched off; the PR's head is a ref as GitHub publishes it.
        sh(repo, "git", "checkout", "-q", "-b", "feature");
        Files.writeString(repo.resolve("tests/pr_test.py"), "print(2)\n");
        sh(repo, "git", "add", ".");
        sh(repo, "git", "-c", "user.email=t@t", "-c", "user.name=Contributor", "commit", "-q", "-m", "the PR");
        sh(repo, "git", "update-ref", "refs/pull/7/head", sh(repo, "git", "rev-parse", "HEAD"));
        sh(repo, "git", "checkout", "-q", "master");
        for (String subject : List.of("master one", "master two")) {
            Files.writeString(repo.resolve("README"), subject);
            sh(repo, "git", "add", ".");
            sh(repo, "git", "-c", "user.email=t@t", "-c", "user.name=Maintainer", "commit", "-q", "-m", subject);
        }
        Path cache = dir.resolve("cache");

        assertThat(Sources.mergeBase(repo + "@pull/7/head", "master", cache)).isEqualTo(repo + "@" + base);
        List<Sources.Commit> commits = Sources.commitsBetween(repo.toString(), "v1.27.0", "master", cache);
        assertThat(commits).extracting(Sources.Commit::subject).containsExactly("master one", "master two");
        assertThat(commits.get(1).author()).isEqualTo("Maintainer");
        assertThat(commits.get(1).hash()).isEqualTo(sh(repo, "git", "rev-parse", "master"));
        assertThatThrownBy(() -> Sources.commitsBetween(repo.toString(), "master", "v1.27.0", cache)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--good master is not an ancestor of --bad v1.27.0");
        assertThatThrownBy(() -> Sources.commitsBetween(repo.toString(), "nope", "master", cache)).hasMessageContaining("--good nope: no branch, tag or commit");
    }

    @Test
    void anUnknownRefOrRemoteIsOneClearError() throws Exception {
        Path repo = repo();
        assertThatThrownBy(() -> Sources.resolve(repo + "@no-such-branch", dir.resolve("cache"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no branch, tag or commit 'no-such-branch'");
        assertThatThrownBy(() -> Sources.resolve("file://" + dir.resolve("nowhere") + "@v1", dir.resolve("cache"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("git clone failed");
        assertThatThrownBy(() -> Sources.resolve(dir.resolve("nothing-here").toString(), dir.resolve("cache"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a folder, a tarball or URL@REF");
    }

    @Test
    void aTarballIsUnpackedOnceAndDescribedByItsVersionAndHash() throws Exception {
        tree(dir.resolve("src/micropython-1.27.3"), "3");
        Path tarball = dir.resolve("micropython-1.27.3.tar.gz");
        sh(dir.resolve("src"), "tar", "-czf", tarball.toString(), "micropython-1.27.3");
        Path cache = dir.resolve("cache");

        MicroPythonSource s = Sources.resolve(tarball.toString(), cache);
        assertThat(s.commit()).isEmpty();
        assertThat(s.describe()).startsWith("v1.27.3 (tarball sha256:");
        assertThat(s.root().orElseThrow().getFileName().toString()).isEqualTo("micropython-1.27.3");
        assertThat(Sources.resolve(tarball.toString(), cache).root()).isEqualTo(s.root());

        Files.writeString(dir.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> Sources.resolve(dir.resolve("notes.txt").toString(), cache)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a tarball");
    }

    @Test
    void aFolderIsUsedInPlaceAndATestsFolderFindsItsTree() throws Exception {
        Path repo = repo();
        MicroPythonSource checkout = Sources.resolve(repo.toString(), dir.resolve("cache"));
        assertThat(checkout.root()).contains(repo.toAbsolutePath());
        assertThat(checkout.commit()).contains(sh(repo, "git", "rev-parse", "HEAD"));
        assertThat(checkout.describe()).isEqualTo("v1.27.0");

        MicroPythonSource tests = Sources.fromTestsFolder(repo.resolve("tests"));
        assertThat(tests.root()).contains(repo.toAbsolutePath());
        assertThat(tests.commit()).isEqualTo(checkout.commit());

        Path bare = Files.createDirectories(dir.resolve("only-tests"));
        Files.writeString(bare.resolve("run-tests.py"), "");
        assertThat(Sources.fromTestsFolder(bare).root()).isEmpty();
        assertThatThrownBy(() -> Sources.fromTestsFolder(dir.resolve("cache"))).isInstanceOf(InvalidInputException.class).hasMessageContaining("no run-tests.py");
        assertThatThrownBy(() -> Sources.resolve(dir.resolve("only-tests").toString(), dir.resolve("cache")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a MicroPython source tree");
        assertThat(List.of(checkout.summary())).allMatch(x -> x.startsWith("v1.27.0 (commit "));
    }
}
