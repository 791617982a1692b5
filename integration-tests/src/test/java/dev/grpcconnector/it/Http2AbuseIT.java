package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.grpcconnector.it.LimitsDomain.HANDLE;
import static dev.grpcconnector.it.LimitsDomain.MAX_CALLS_PER_CONNECTION;
import static dev.grpcconnector.it.LimitsDomain.STREAM;
import static dev.grpcconnector.it.LimitsDomain.envoyHeaders;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 abuse (issue 10.5), each attack while a well-behaved client keeps calling on a
 * connection of its own: its calls before, during and after the attack must all succeed.
 * Their p99 latency is printed for each phase (never asserted). What the listener did to
 * the attacker (GOAWAY, a closed connection, refusals) is printed too; docs/security.md
 * records it.
 *
 * <p>Each attack is repeated in rounds until the good client has completed
 * {@value #CALLS_DURING} calls while it was going on, so "during" is never empty, and
 * stops after {@value #MAX_ROUNDS} rounds at the latest. Every loop is bounded.
 */
@ExtendWith(LimitsDomain.class)
class Http2AbuseIT {
    static final int CALLS_BEFORE_AND_AFTER = 100;
    static final int CALLS_DURING = 60;
    static final int MAX_ROUNDS = 200;

    enum Attack {
        /** CVE-2023-44487: HEADERS and RST_STREAM at once, 100 streams per write. */
        RAPID_RESET,
        /** A header block that never ends: HEADERS without END_HEADERS, then 16 KiB CONTINUATION frames. */
        CONTINUATION_FLOOD,
        /** 5,000 SETTINGS frames per write, each of which the server must acknowledge; the attacker never reads. */
        SETTINGS_FLOOD,
        /** 5,000 PINGs per write; the attacker never reads the answers. */
        PING_FLOOD,
        /** Downloads (50 MB through Stream, 4 MB through Handle) whose reader never opens its window, on two connections, each as full as allowed. */
        ZERO_WINDOW_READER,
        /** Uploads the application reads that never finish, on two connections, each as full as allowed. */
        SLOW_UPLOADS
    }

    @ParameterizedTest
    @EnumSource(Attack.class)
    void aWellBehavedClientIsServedBeforeDuringAndAfter(Attack attack) throws Exception {
        GlassFishServer gf = LimitsDomain.server();
        try (GoodClient good = new GoodClient(gf.grpcPort())) {
            Phase before = good.calls(CALLS_BEFORE_AND_AFTER);
            Attacker attacker = new Attacker(gf, attack);
            Phase during;
            try {
                during = good.during(attacker);
            } finally {
                attacker.close();
            }
            Phase after = good.calls(CALLS_BEFORE_AND_AFTER);
            System.out.printf("[abuse] %s: good client before %s, during %s, after %s; attacker: %s%n", attack, before,
                    during, after, attacker.outcome());
            for (Phase phase : List.of(before, during, after)) {
                assertTrue(phase.failures.isEmpty(), () -> attack + ": the good client's calls failed " + phase.name + ": "
                        + phase.failures);
            }
            assertTrue(during.calls >= CALLS_DURING, () -> attack + ": the good client made only " + during.calls
                    + " calls during the attack");
        }
    }

    /** The results of one phase of the good client. */
    static final class Phase {
        final String name;
        final List<Long> micros = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        int calls;

        Phase(String name) {
            this.name = name;
        }

        long p99Micros() {
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
        }

        @Override
        public String toString() {
            return calls + " calls, " + (calls - failures.size()) + " ok, p99 " + p99Micros() / 1000.0 + " ms";
        }
    }

    /** grpc-java on its own connection, one call after the other, with per-call path and request id. */
    static final class GoodClient implements AutoCloseable {
        private final HttpBodyClient client;
        private int n;

        GoodClient(int port) {
            client = HttpBodyClient.connect(port);
        }

        Phase calls(int count) {
            Phase phase = new Phase(n == 0 ? "before" : "after");
            for (int i = 0; i < count; i++) {
                call(phase);
            }
            return phase;
        }

        /** Calls while the attacker runs its rounds on another thread; both stop when the other has done enough. */
        Phase during(Attacker attacker) throws InterruptedException {
            Phase phase = new Phase("during");
            AtomicBoolean enough = new AtomicBoolean();
            Thread attack = new Thread(() -> attacker.run(enough), "attacker");
            attack.start();
            Instant deadline = Instant.now().plusSeconds(300);
            while (attack.isAlive() && Instant.now().isBefore(deadline)) {
                call(phase);
                if (phase.calls >= CALLS_DURING) {
                    enough.set(true);
                }
            }
            enough.set(true);
            attack.join(120_000);
            return phase;
        }

        private void call(Phase phase) {
            int i = n++;
            String id = UUID.randomUUID().toString();
            long t0 = System.nanoTime();
            Response r = client.handle(Request.get("/app/echo?good=" + i).header("x-request-id", id).deadlineSeconds(60));
            phase.micros.add((System.nanoTime() - t0) / 1000);
            phase.calls++;
            if (!r.ok() || r.httpCode() != 200 || !("good=" + i).equals(r.json().get("queryString"))) {
                phase.failures.add("call " + i + ": " + r);
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Runs one attack in rounds, on connections of its own, and notes what the server did to it. */
    static final class Attacker {
        private final GlassFishServer gf;
        private final Attack attack;
        private final List<RawH2Client> connections = new ArrayList<>();
        private final AtomicInteger rounds = new AtomicInteger();
        private final AtomicInteger closedByServer = new AtomicInteger();
        private final List<String> goaways = Collections.synchronizedList(new ArrayList<>());
        private RawH2Client h2;
        private volatile String error;

        Attacker(GlassFishServer gf, Attack attack) {
            this.gf = gf;
            this.attack = attack;
        }

        void run(AtomicBoolean enough) {
            try {
                prepare();
                while (!enough.get() && rounds.get() < MAX_ROUNDS) {
                    try {
                        round();
                    } catch (UncheckedIOException e) {
                        // The server closed the attacker's connection: note it and go on with a new one.
                        closedByServer.incrementAndGet();
                        reconnect();
                    }
                    rounds.incrementAndGet();
                }
            } catch (RuntimeException | Error e) {
                error = e.toString();
            }
        }

        private void prepare() {
            switch (attack) {
                case SLOW_UPLOADS -> {
                    for (int c = 0; c < 2; c++) {
                        RawH2Client up = open(RawH2Client.connect(gf.grpcPort()));
                        for (int i = 0; i < MAX_CALLS_PER_CONNECTION; i++) {
                            int id = up.newStreamId();
                            up.queueHeaders(id, envoyHeaders(up, STREAM, "POST", "/app/store?id=abuse-" + UUID.randomUUID()),
                                    false);
                            up.queueData(id, LimitsDomain.message("application/octet-stream", new byte[100]), false);
                        }
                        up.send();
                    }
                }
                case ZERO_WINDOW_READER -> {
                    for (int c = 0; c < 2; c++) {
                        RawH2Client reader = open(RawH2Client.connectManualWindow(gf.grpcPort(), 16 * 1024));
                        for (int i = 0; i < MAX_CALLS_PER_CONNECTION; i++) {
                            int id = reader.newStreamId();
                            // A Handle response is collected whole before it is sent: smaller.
                            reader.queueHeaders(id, i % 2 == 0
                                    ? envoyHeaders(reader, STREAM, "GET", "/app/bytes?size=" + (50 * 1024 * 1024))
                                    : envoyHeaders(reader, HANDLE, "GET", "/app/bytes?size=" + (4 * 1024 * 1024)), false);
                            reader.queueData(id, LimitsDomain.emptyMessage(), true);
                        }
                        reader.send();
                    }
                }
                default -> h2 = open(RawH2Client.connect(gf.grpcPort()));
            }
        }

        private void round() {
            switch (attack) {
                case RAPID_RESET -> {
                    for (int i = 0; i < 100; i++) {
                        int id = h2.newStreamId();
                        h2.queueHeaders(id, envoyHeaders(h2, HANDLE, "GET", "/app/echo?reset=" + i), false);
                        h2.queueData(id, LimitsDomain.emptyMessage(), true);
                        h2.queueReset(id, 8);
                    }
                    h2.send();
                    keepReading();
                }
                case CONTINUATION_FLOOD -> {
                    int id = h2.newStreamId();
                    h2.frame(RawH2Client.HEADERS, 0, id, h2.headerBlock(envoyHeaders(h2, HANDLE, "GET", "/app/echo")));
                    byte[] junk = junkHeaders();
                    for (int i = 0; i < 200; i++) {
                        h2.frame(RawH2Client.CONTINUATION, 0, id, junk);
                    }
                    h2.send();
                    keepReading();
                }
                case SETTINGS_FLOOD -> {
                    for (int i = 0; i < 5000; i++) {
                        h2.frame(RawH2Client.SETTINGS, 0, 0, new byte[0]);
                    }
                    h2.send();
                    GlassFishServer.sleep(20);
                }
                case PING_FLOOD -> {
                    for (int i = 0; i < 5000; i++) {
                        h2.frame(RawH2Client.PING, 0, 0, new byte[8]);
                    }
                    h2.send();
                    GlassFishServer.sleep(20);
                }
                // The readers' streams wait for window until the idle timeout ends them.
                case ZERO_WINDOW_READER -> GlassFishServer.sleep(500);
                case SLOW_UPLOADS -> {
                    // One byte more on every upload now and then: they move, so no timeout ends them.
                    for (RawH2Client up : connections) {
                        for (int id = 1; id < 2 * MAX_CALLS_PER_CONNECTION; id += 2) {
                            up.data(id, new byte[1], false);
                        }
                    }
                    GlassFishServer.sleep(500);
                }
            }
        }

        /** Reads what the server sent back for a short while, so its writes do not pile up. */
        private void keepReading() {
            if (!h2.drain(Duration.ofMillis(20))) {
                closedByServer.incrementAndGet();
                reconnect();
            }
        }

        private void reconnect() {
            if (h2 != null) {
                if (h2.goaway() != null) {
                    goaways.add(h2.goaway());
                }
                h2.close();
                h2 = open(RawH2Client.connect(gf.grpcPort()));
            }
        }

        private RawH2Client open(RawH2Client client) {
            connections.add(client);
            return client;
        }

        /** One CONTINUATION payload: 16 literal headers of 1,000 bytes each. */
        private static byte[] junkHeaders() {
            List<String[]> headers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                headers.add(new String[] {"x-flood-" + i, "a".repeat(1000)});
            }
            return RawH2Client.literalHeaderBlock(headers);
        }

        String outcome() {
            for (RawH2Client c : connections) {
                if (c.goaway() != null && !goaways.contains(c.goaway())) {
                    goaways.add(c.goaway());
                }
            }
            return rounds.get() + " rounds, " + connections.size() + " connections, " + closedByServer.get()
                    + " closed by the server, GOAWAYs " + goaways + (error == null ? "" : ", attacker error " + error);
        }

        void close() {
            for (RawH2Client c : connections) {
                c.close();
            }
        }
    }

}
