package testbed.queue;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import testbed.model.Connection;
import testbed.model.Fut;
import testbed.model.Programmer;
import testbed.model.Role;
import testbed.model.Tentacle;

/**
 * {@code bench queue}: the queue's own cost, through a real database. Simulated agents (threads with their own
 * connections, as agent processes have) own the tentacles and end each run at once; a coordinator loop leases the
 * next run to a tentacle as soon as its last one ended. Measured: dispatch latency from "tentacle free" (the agent's
 * commit) to "run started" (the agent's claim of the next lease on it), and claims per second over the whole lab.
 */
public final class QueueBenchmark {

    /** @param latencyMillis per run after the first on its tentacle: free → next run claimed */
    public record Result(int agents, int tentacles, int runs, double seconds, double claimsPerSecond, double medianMillis, double p99Millis,
            double maxMillis) {}

    private QueueBenchmark() {}

    /** @param runMillis how long each simulated run lasts (spread from half to one and a half times); 0: none, the lab saturated */
    public static Result run(String url, testbed.config.Settings settings, int agents, int tentaclesPerAgent, int runs, int runMillis) throws Exception {
        String tag = "bench" + System.currentTimeMillis();
        String session = tag + "-session";
        try (QueueDb db = QueueDb.open(url, settings)) {
            Leases leases = new Leases(db);
            leases.openSession(session, Coordinator.host(), Wire.write(new Wire.SessionSettings(session, 1, true, false, null, null, null, false, null,
                    Map.of())));
            Map<String, Long> freedAt = new ConcurrentHashMap<>();
            List<Double> latency = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger claims = new AtomicInteger();
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            List<String> serials = new ArrayList<>();
            CountDownLatch registered = new CountDownLatch(agents);
            for (int a = 0; a < agents; a++) {
                String host = tag + "-agent" + a;
                List<Tentacle> mine = new ArrayList<>();
                for (int t = 0; t < tentaclesPerAgent; t++) {
                    Tentacle tentacle = new Tentacle(tag + "-" + a + "-" + t, "BENCH", "RPI_PICO", "rp2", Set.of(Fut.FUT_MCU_ONLY), List.of(""),
                            new Programmer("virtual", List.of()), 0, Map.of(), new Connection("virtual", Map.of()));
                    mine.add(tentacle);
                    serials.add(tentacle.serial());
                }
                Thread thread = new Thread(() -> simulatedAgent(db.another(), host, mine, runMillis, freedAt, latency, claims, done, registered), host);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            registered.await();
            Notifications wakeups = new Notifications(db.another(), Set.of(Notifications.SESSION));
            Map<Long, String> leaseSerial = new ConcurrentHashMap<>();
            int started = 0;
            long t0 = System.nanoTime();
            for (String serial : serials) {
                if (started < runs) {
                    lease(leases, session, serial, started++, leaseSerial);
                }
            }
            int ended = 0;
            while (ended < runs) {
                List<Leases.Lease> finished = leases.ended(session);
                for (Leases.Lease lease : finished) {
                    leases.collected(lease.id());
                    ended++;
                    String serial = leaseSerial.remove(lease.id());
                    if (started < runs && serial != null) {
                        lease(leases, session, serial, started++, leaseSerial);
                    }
                }
                if (finished.isEmpty()) {
                    wakeups.await(100);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            done.set(true);
            for (Thread t : threads) {
                t.join(5000);
            }
            wakeups.close();
            cleanUp(db, tag, session);
            double[] ms = latency.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Result(agents, serials.size(), runs, seconds, claims.get() / seconds, percentile(ms, 0.5), percentile(ms, 0.99),
                    ms.length == 0 ? 0 : ms[ms.length - 1]);
        }
    }

    private static void lease(Leases leases, String session, String serial, int n, Map<Long, String> leaseSerial) throws SQLException {
        Wire.Ticket ticket = new Wire.Ticket("BENCH-" + n + "@" + serial, "BENCH", serial, "", Role.SINGLE, null, false, false, 0,
                Instant.now().toString(), 0, Wire.Work.RUN, List.of());
        if (leases.assign(session, ticket) instanceof Leases.Assignment.Leased l) {
            leaseSerial.put(l.id(), serial);
        } else {
            throw new IllegalStateException("bench: " + serial + " not leasable");
        }
    }

    private static void simulatedAgent(QueueDb db, String host, List<Tentacle> tentacles, int runMillis, Map<String, Long> freedAt, List<Double> latency,
            AtomicInteger claims, AtomicBoolean done, CountDownLatch registered) {
        AgentQueue queue = new AgentQueue(db, host, Duration.ofSeconds(30));
        try (Notifications wakeups = new Notifications(db.another(), Set.of(Notifications.HOST))) {
            queue.register("bench", tentacles, Map.of());
            wakeups.await(1); // listening before the first lease
            registered.countDown();
            String report = Wire.write(new Wire.Report("ran", false, null, Set.of(), null, List.of(), Map.of()));
            java.util.Random random = new java.util.Random(host.hashCode());
            java.util.PriorityQueue<long[]> due = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(d -> d[0]));
            Map<Long, AgentQueue.Claim> held = new java.util.HashMap<>();
            while (!done.get()) {
                List<AgentQueue.Claim> got = queue.claim();
                long now = System.nanoTime();
                for (AgentQueue.Claim c : got) {
                    claims.incrementAndGet();
                    Long freed = freedAt.remove(c.ticket().dut());
                    if (freed != null) {
                        latency.add((now - freed) / 1e6);
                    }
                    long ms = runMillis == 0 ? 0 : runMillis / 2 + random.nextInt(runMillis + 1);
                    due.add(new long[] {now + ms * 1_000_000L, c.lease()});
                    held.put(c.lease(), c);
                }
                while (!due.isEmpty() && due.peek()[0] <= System.nanoTime()) {
                    AgentQueue.Claim c = held.remove(due.poll()[1]);
                    freedAt.put(c.ticket().dut(), System.nanoTime()); // set before the commit that frees it: the latency includes the commit
                    queue.finish(c, report, new byte[0]);
                }
                long wait = due.isEmpty() ? 100 : Math.max(0, (due.peek()[0] - System.nanoTime()) / 1_000_000L);
                if (got.isEmpty() && wait > 0) {
                    wakeups.await((int) Math.min(100, Math.max(1, wait)));
                }
            }
            queue.leave();
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException("bench agent " + host + ": " + e.getMessage(), e);
        } finally {
            registered.countDown();
            db.close();
        }
    }

    private static void cleanUp(QueueDb db, String tag, String session) throws SQLException {
        db.tx(c -> {
            try (var st = c.createStatement()) {
                st.executeUpdate("DELETE FROM queue_lease WHERE session_id = '" + session + "'");
                st.executeUpdate("DELETE FROM queue_tentacle WHERE host LIKE '" + tag + "-%'");
                st.executeUpdate("DELETE FROM queue_host WHERE host LIKE '" + tag + "-%'");
                st.executeUpdate("DELETE FROM queue_session WHERE session_id = '" + session + "'");
            }
            return null;
        });
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
    }
}
