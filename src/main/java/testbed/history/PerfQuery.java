package testbed.history;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import testbed.model.BoardVariant;

/** Benchmark series: the measurements of the last sessions that measured anything, per board-variant, name and unit. */
final class PerfQuery {

    private PerfQuery() {}

    private record SeriesKey(String boardVariant, String name, String unit, String params) {}

    private record Point(String session, String firmware, double value, double spread) {}

    /** @param boardVariant a board (all its variants) or one board-variant; empty for all */
    static List<History.PerfSeries> series(Sql q, Optional<String> boardVariant, int points) throws SQLException {
        Optional<BoardVariant> wanted = boardVariant.map(BoardVariant::parse);
        List<Object> args = new ArrayList<>();
        String board = "";
        if (wanted.isPresent()) {
            board = " AND r.board = ?";
            args.add(wanted.get().board());
        }
        args.add(points);
        List<Object> window = new ArrayList<>(q.column("SELECT s.id FROM test_session s WHERE EXISTS (SELECT 1 FROM test_run r "
                + "WHERE r.session_id = s.id AND r.measured = 1" + board + ") ORDER BY s.time_start DESC LIMIT ?", args));
        Map<SeriesKey, List<Point>> series = new LinkedHashMap<>();
        q.each("SELECT s.id, r.board, r.variant, g.firmware, m.name, m.unit, m.value, m.spread, m.params FROM test_run r JOIN test_session s ON s.id = r.session_id "
                + "JOIN sut_group g ON g.id = r.sut_id JOIN attempt a ON a.run_id = r.id JOIN measurement m ON m.attempt_id = a.id "
                + "WHERE r.measured = 1 AND r.session_id IN " + ResultRows.placeholders(window.size()) + " ORDER BY s.time_start, r.id, a.letter, m.name",
                window, rs -> {
                    String bv = JdbcHistory.boardVariant(rs.getString(2), rs.getString(3)).name();
                    boolean match = wanted.isEmpty() || wanted.get().isDefaultVariant() || wanted.get().name().equals(bv);
                    if (match) {
                        series.computeIfAbsent(new SeriesKey(bv, rs.getString(5), rs.getString(6), rs.getString(9) == null ? "" : rs.getString(9)),
                                k -> new ArrayList<>()).add(new Point(rs.getString(1), rs.getString(4), rs.getDouble(7), rs.getDouble(8)));
                    }
                });
        List<History.PerfSeries> result = new ArrayList<>();
        series.forEach((key, all) -> {
            List<Point> last = all.subList(Math.max(0, all.size() - points), all.size());
            List<Double> values = last.stream().map(Point::value).toList();
            List<Double> spreads = last.stream().map(Point::spread).toList();
            List<Integer> changes = Stats.changes(values, spreads);
            int from = changes.isEmpty() ? 0 : changes.get(changes.size() - 1);
            List<Double> since = values.subList(from, values.size());
            result.add(new History.PerfSeries(key.boardVariant(), key.name(), key.unit(), key.params(), values, spreads,
                    last.stream().map(Point::firmware).toList(), last.stream().map(Point::session).toList(), Stats.mean(since), Stats.stddev(since),
                    Stats.band(since, spreads.subList(from, spreads.size())), changes));
        });
        return result;
    }
}
