package testbed.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The few ways the history reads its tables: rows mapped to records, one column, or each row to a callback. */
final class Sql {

    @FunctionalInterface
    interface Body<T> {
        T run(Sql q) throws SQLException;
    }

    @FunctionalInterface
    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private final Connection connection;

    Sql(Connection connection, String what) {
        this.connection = connection;
    }

    <T> List<T> list(String sql, List<?> args, Mapper<T> mapper) throws SQLException {
        List<T> out = new ArrayList<>();
        each(sql, args, rs -> out.add(mapper.map(rs)));
        return out;
    }

    List<String> column(String sql, List<?> args) throws SQLException {
        return list(sql, args, rs -> rs.getString(1));
    }

    void each(String sql, List<?> args, RowReader reader) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setFetchSize(5000); // PostgreSQL streams a large window instead of holding it all (with autocommit off)
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof Integer n) {
                    st.setInt(i + 1, n);
                } else if (a instanceof Long n) {
                    st.setLong(i + 1, n);
                } else if (a instanceof Double d) {
                    st.setDouble(i + 1, d);
                } else {
                    st.setString(i + 1, (String) a);
                }
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
    }

    /** A long IN list in pieces the drivers take (SQLite's and PostgreSQL's bind limits), each at most {@code size}. */
    static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }
}
