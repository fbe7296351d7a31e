package testbed.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.model.LabException;

/** An empty database gets the whole schema; an old one upgrades itself and keeps (and completes) its data. */
class MigrationTest {

    @TempDir
    Path dir;

    @Test
    void emptyDatabaseIsCreatedAtTheLatestVersion() {
        String url = "jdbc:sqlite:" + dir.resolve("new.sqlite");
        try (JdbcHistory h = JdbcHistory.open(url)) {
            assertThat(h.schemaVersion()).isEqualTo("5");
            assertThat(h.sessions(History.SessionFilter.all())).isEmpty();
        }
        assertThat(dir.resolve("new.sqlite")).exists();
    }

    @Test
    void oldDatabaseUpgradesItselfAndKeepsItsData() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("old.sqlite");
        try (JdbcHistory v1 = JdbcHistory.open(url, null, null, "1")) {
            assertThat(v1.schemaVersion()).isEqualTo("1");
        }
        // What a testbed with schema 1 wrote.
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO sut_group VALUES ('RPI_PICO|fw1', 'RPI_PICO', '', 'fw1')");
            st.executeUpdate("INSERT INTO test_session VALUES ('old', 'virtual', 'h', 'u', 'manual', 'testbed run', 'RPI_PICO', 'builtin',"
                    + " '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z', 3600, 'completed', 'passed')");
            st.executeUpdate("INSERT INTO test_run VALUES ('old/X,a', 'old', 'RPI_PICO|fw1', 'X@1e01-RPI_PICO', 'BUILTIN-TESTS_BASICS', '1e01-RPI_PICO',"
                    + " '', 'single', 'passed', '2025-01-01T00:00:00Z', 12.5)");
            st.executeUpdate("INSERT INTO attempt VALUES ('old/X,a', 'old/X,a', 'a', 'completed', '', 'X,a', '2025-01-01T00:00:00Z', 12.5)");
            st.executeUpdate("INSERT INTO test_result VALUES ('old/X,a', 'basics/int_arith.py', 'passed', 0.1, '')");
        }
        try (JdbcHistory h = JdbcHistory.open(url)) {
            assertThat(h.schemaVersion()).isEqualTo("5");
            assertThat(h.sessions(History.SessionFilter.all())).extracting(History.SessionRow::id).containsExactly("old");
            assertThat(h.durations()).singleElement().satisfies(d -> assertThat(d.meanSeconds()).isEqualTo(12.5));
            assertThat(h.passRates("RPI_PICO", 5)).singleElement().satisfies(p -> assertThat(p.passedTests()).isEqualTo(1));
        }
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT board, variant, kind, final_attempt FROM test_run")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("V2 backfills the board of old runs").isEqualTo("RPI_PICO");
            assertThat(rs.getString(2)).isEmpty();
            assertThat(rs.getString(3)).as("V3 backfills the kind from the old label").isEqualTo("RPI_PICO");
            assertThat(rs.getString(4)).as("and the final attempt").isEqualTo("old/X,a");
        }
    }

    @Test
    void aDatabaseOfANewerSchemaIsRefusedNotWrittenInto() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("newer.sqlite");
        JdbcHistory.open(url).close();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            // What a later testbed would have left: a migration this one does not know.
            st.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, "
                    + "installed_on, execution_time, success) VALUES (99, '9', 'from the future', 'SQL', 'V9__future.sql', 1, 'x', "
                    + "'2027-01-01 00:00:00', 1, 1)");
        }
        assertThatThrownBy(() -> JdbcHistory.open(url)).isInstanceOf(LabException.class)
                .hasMessageContaining("schema version 9").hasMessageContaining("newer than this testbed knows")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void unusableDatabaseIsAOneLineLabError() throws Exception {
        Path notADb = dir.resolve("garbage.sqlite");
        Files.writeString(notADb, "this is not a database, just text long enough to be looked at by sqlite's header check");
        assertThatThrownBy(() -> JdbcHistory.open("jdbc:sqlite:" + notADb)).isInstanceOf(LabException.class)
                .hasMessageStartingWith("history jdbc:sqlite:" + notADb + ": ").hasMessageContaining("is not an SQLite database (corrupt")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
