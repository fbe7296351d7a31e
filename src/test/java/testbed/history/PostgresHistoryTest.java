package testbed.history;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract on a real PostgreSQL server; skipped, saying why, where PostgreSQL cannot be installed. */
class PostgresHistoryTest extends HistoryContract {

    private static Optional<PostgresServer> server = Optional.empty();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
        if (server.isEmpty()) {
            System.err.println("PostgresHistoryTest SKIPPED: PostgreSQL is not installed (apt-get install postgresql; .ci/run does)");
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server.isPresent()) {
            server.get().close();
        }
    }

    @Override
    String url() throws Exception {
        assumeTrue(server.isPresent(), "PostgreSQL is not installed (apt-get install postgresql; .ci/run does)");
        return server.get().freshDatabase("h" + DATABASES.incrementAndGet());
    }
}
