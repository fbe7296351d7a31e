package testbed.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A MicroPython build target: board plus build variant, e.g. {@code RPI_PICO2-RISCV}. The default variant is the
 * empty string, and then the name is just the board.
 */
public record BoardVariant(String board, String variant) implements Comparable<BoardVariant> {

    public BoardVariant {
        Objects.requireNonNull(board, "board");
        Objects.requireNonNull(variant, "variant");
        if (board.isEmpty() || board.contains("-")) {
            throw new IllegalArgumentException("invalid board name '" + board + "'");
        }
    }

    /** Parses {@code BOARD} or {@code BOARD-VARIANT}, split at the first '-' (records spell it so). */
    @JsonCreator
    public static BoardVariant parse(String text) {
        int dash = text.indexOf('-');
        return dash < 0 ? new BoardVariant(text, "") : new BoardVariant(text.substring(0, dash), text.substring(dash + 1));
    }

    public boolean isDefaultVariant() {
        return variant.isEmpty();
    }

    @JsonValue
    public String name() {
        return variant.isEmpty() ? board : board + "-" + variant;
    }

    @Override
    public int compareTo(BoardVariant o) {
        int c = board.compareTo(o.board);
        return c != 0 ? c : variant.compareTo(o.variant);
    }

    @Override
    public String toString() {
        return name();
    }
}
