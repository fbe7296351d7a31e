package testbed.serve;

import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import testbed.results.AtomicJson;

/**
 * Server-sent events for the live pages: once a second the lab's rows and the running sessions' progress are
 * computed once for every open page, and sent only when they changed (a quiet lab costs no traffic).
 */
final class LiveFeed implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(LiveFeed.class);

    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final Supplier<List<LabState.Row>> lab;
    private final Supplier<Map<String, String>> progress;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "serve-live");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastLab = "";
    private volatile String lastProgress = "";

    LiveFeed(Supplier<List<LabState.Row>> lab, Supplier<Map<String, String>> progress) {
        this.lab = lab;
        this.progress = progress;
        ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    void join(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        try {
            client.sendEvent("lab", lastLab.isEmpty() ? json(lab.get()) : lastLab);
        } catch (RuntimeException e) {
            clients.remove(client);
        }
    }

    private void tick() {
        if (clients.isEmpty()) {
            return;
        }
        try {
            String rows = json(lab.get());
            String now = json(progress.get());
            boolean labChanged = !rows.equals(lastLab);
            boolean progressChanged = !now.equals(lastProgress);
            lastLab = rows;
            lastProgress = now;
            for (SseClient c : clients) {
                try {
                    if (labChanged) {
                        c.sendEvent("lab", rows);
                    }
                    if (progressChanged) {
                        c.sendEvent("progress", now);
                    }
                    if (!labChanged && !progressChanged) {
                        c.sendComment("alive");
                    }
                } catch (RuntimeException e) {
                    clients.remove(c);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("live view: {}", e.getMessage()); // a session rewriting its files, a database away: next second
        }
    }

    private static String json(Object value) {
        try {
            return AtomicJson.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        clients.forEach(SseClient::close);
    }
}
