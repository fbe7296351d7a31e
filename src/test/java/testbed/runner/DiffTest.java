package testbed.runner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a failed built-in test leaves beside its result: the whole output as one hunk, and a one-line reason. */
class DiffTest {

    @Test
    void theDiffKeepsEveryLineAndMarksTheChangedOnes() {
        assertThat(Diff.unified("a\nb\nc\nd\ne\nf\ng\n", "a\nX\nc\nd\ne\nf\ng\nextra\n", "t.exp", "t.out")).isEqualTo("""
                --- t.exp
                +++ t.out
                @@ -1,7 +1,8 @@
                 a
                -b
                +X
                 c
                 d
                 e
                 f
                 g
                +extra
                """);
        assertThat(Diff.firstDifference("a\nb\n", "a\nX\n")).isEqualTo("line 2: expected 'b', got 'X'");
    }
}
