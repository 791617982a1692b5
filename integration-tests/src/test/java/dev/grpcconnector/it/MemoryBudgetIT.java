package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15, items 1 and 4: the listener's memory budget holds against hostile calls while
 * a good client is served, and large streamed messages cost no memory at all.
 *
 * <p>A domain of its own with GlassFish's default heap ({@code -Xmx512m}) and the
 * connector's default budget ({@value #BUDGET_MIB} MiB, nothing configured). A hostile
 * client opens {@value #HOSTILE_STREAMS} calls on two connections, each announcing one
 * maximum-size (16 MiB) request message and sending {@value #HOSTILE_SEND_MIB} MiB of it,
 * as fast as HTTP/2 flow control lets it, one call after the other, then holding the
 * stream open: {@value #HOSTILE_STREAMS} × 15 MiB is far more than the budget (and,
 * without it, most of the heap). Meanwhile a good client (grpc-java, a connection of its
 * own) sends small calls without pause. Checked:
 *
 * <ul>
 * <li>every good call succeeds, before, during and after the attacks;
 * <li>round 1, unary {@code Handle} calls (their one message is buffered whole): four
 *     hold their partial messages (the budget), the other twenty get
 *     {@code RESOURCE_EXHAUSTED} naming the budget; the server's heap, live after a full GC
 *     ({@code jcmd GC.run}, then {@code GC.heap_info}), is at most
 *     {@value #BUDGET_MIB} + {@value #MARGIN_MIB} MiB above the same figure taken idle
 *     (the margin covers what every call may hold uncounted, 64 KiB each, and the
 *     container's and Grizzly's own per-stream state); while the budget is held, an 8 MiB
 *     upload through {@code Stream} succeeds;
 * <li>round 2, after round 1's connections closed mid-message: the whole budget is free
 *     again (four hold again), and its holders, ended mid-message with END_STREAM, get
 *     {@code INTERNAL};
 * <li>round 3, the same partial messages through {@code Stream}: none is refused, their
 *     data goes on to the application as it arrives, and the live heap stays within
 *     {@value #MARGIN_MIB} MiB of idle; ended mid-message, each gets {@code INTERNAL}.
 * </ul>
 */
class MemoryBudgetIT {
    static final String SECOND_DOMAIN = "grpc-it-budget";
    static final long BUDGET_MIB = 64;
    static final long MARGIN_MIB = 48;
    static final int HOSTILE_STREAMS = 24;
    static final int HOSTILE_SEND_MIB = 15;
    static final int MIB = 1024 * 1024;
    static final int ANNOUNCED = 16 * MIB;
    static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    static final String HANDLE = HttpServiceGrpc.getHandleMethod().getFullMethodName();
    static final String STREAM = HttpServiceGrpc.getStreamMethod().getFullMethodName();

    @Test
    void hostilePartialMessagesAreBoundedByTheBudgetWhileAGoodClientIsServed() throws Exception {
        GlassFishServer gf = GlassFishServer.secondDomain(SECOND_DOMAIN);
        AtomicBoolean attackOver = new AtomicBoolean();
        try {
            gf.startSecond(Map.of(), Map.of());
            long pid = gf.serverPid();
            try (HttpBodyClient good = HttpBodyClient.connect(gf.grpcPort())) {
                goodCalls(good, 20, "warm-up");
                long idleKb = liveHeapKb(pid);
                GlassFishServer.log("idle: live heap " + idleKb / 1024 + " MiB");

                AtomicInteger goodDone = new AtomicInteger();
                AtomicReference<Throwable> goodFailure = new AtomicReference<>();
                CompletableFuture<Void> goodClient = CompletableFuture.runAsync(() -> {
                    try {
                        while (!attackOver.get()) {
                            goodCalls(good, 10, "during the attack");
                            goodDone.addAndGet(10);
                        }
                    } catch (Throwable t) {
                        goodFailure.set(t);
                    }
                });

                Round first = attack(gf.grpcPort(), HANDLE);
                long heldKb = liveHeapKb(pid);
                GlassFishServer.log(String.format("round 1: %d hostile calls refused, %d hold %d MiB in all; live heap %d MiB "
                        + "(%d MiB above idle); %d good calls so far", first.refused, first.holding,
                        first.heldBytes / MIB, heldKb / 1024, (heldKb - idleKb) / 1024, goodDone.get()));
                // While the budget is held: a large streamed upload needs none of it.
                byte[] upload = new byte[8 * MIB];
                HttpBodyClient.StreamResponse streamed = good.stream(Request.of("POST", "/app/upload")
                        .body("application/octet-stream", upload).deadlineSeconds(120));
                first.close(); // the holders' connections close mid-message: their memory must come back

                Round second = attack(gf.grpcPort(), HANDLE);
                List<StreamResult> ended = second.endHolders();
                GlassFishServer.log(String.format("round 2: %d hostile calls refused, %d held %d MiB; %d good calls so far",
                        second.refused, second.holding, second.heldBytes / MIB, goodDone.get()));
                second.close();

                Round third = attack(gf.grpcPort(), STREAM);
                long streamingKb = liveHeapKb(pid);
                List<StreamResult> streamedEnded = third.endHolders();
                GlassFishServer.log(String.format("round 3 (Stream): %d refused, %d sent %d MiB to the application; live heap "
                        + "%d MiB above idle; %d good calls in all", third.refused, third.holding, third.heldBytes / MIB,
                        (streamingKb - idleKb) / 1024, goodDone.get()));
                third.close();
                attackOver.set(true);
                goodClient.get(120, TimeUnit.SECONDS);
                goodCalls(good, 20, "after the attack");

                assertEquals(null, goodFailure.get(), "a good call failed during the attack");
                assertTrue(goodDone.get() >= 10, "the good client was served during the attack: " + goodDone.get());
                // Each holder's partial message takes 16 MiB (its buffer grows to the announced
                // length), less the 64 KiB a call holds uncounted: four fit into 64 MiB.
                assertEquals(BUDGET_MIB / 16, first.holding, first::toString);
                assertEquals(HOSTILE_STREAMS - BUDGET_MIB / 16, first.refused, first::toString);
                assertEquals(BUDGET_MIB / 16, second.holding, () -> "after the first round's connections closed, the "
                        + "budget must be free again: " + second);
                for (StreamResult r : ended) {
                    assertEquals("13", r.grpcStatus(), () -> "a holder ended mid-message: " + r);
                }
                long aboveIdleMib = (heldKb - idleKb) / 1024;
                assertTrue(aboveIdleMib <= BUDGET_MIB + MARGIN_MIB, () -> "live heap " + aboveIdleMib
                        + " MiB above idle while the hostile calls held their messages");
                assertTrue(streamed.ok() && streamed.httpCode() == 200, () -> "8 MiB streamed upload: " + streamed);
                Matcher length = BoundedMemoryIT.LENGTH.matcher(new String(streamed.data()));
                assertTrue(length.find() && Long.parseLong(length.group(1)) == upload.length, streamed::toString);

                // Streamed, the same partial messages are not held by the connector: their data goes
                // on to the application as it arrives, and none is refused. 24 x 15 MiB would be
                // 360 MiB; seen 32 and 81 MiB above idle (Grizzly's per-stream input buffers and
                // the application's), so the bound is the same as with the budget in use.
                assertEquals(HOSTILE_STREAMS, third.holding, third::toString);
                long streamingMib = (streamingKb - idleKb) / 1024;
                assertTrue(streamingMib <= BUDGET_MIB + MARGIN_MIB, () -> "live heap " + streamingMib + " MiB above idle while "
                        + HOSTILE_STREAMS + " streamed partial messages were open");
                for (StreamResult r : streamedEnded) {
                    assertEquals("13", r.grpcStatus(), () -> "a streamed call ended mid-message: " + r);
                }
            }
        } finally {
            attackOver.set(true);
            gf.destroy();
        }
    }

    /** Small calls that must all succeed: GETs and 16 KiB uploads (within the uncounted 64 KiB of each call). */
    static void goodCalls(HttpBodyClient client, int count, String phase) {
        for (int i = 0; i < count; i++) {
            Request request = i % 2 == 0 ? Request.get("/app/echo?good=" + i)
                    : Request.of("POST", "/app/upload").body("application/octet-stream", new byte[16 * 1024]);
            Response r = client.handle(request.deadlineSeconds(60));
            assertTrue(r.ok() && r.httpCode() == 200, () -> phase + ": good call " + request + " got " + r);
        }
    }

    /** One attack: {@link #HOSTILE_STREAMS} partial messages on two connections, sent until each is refused or sent. */
    static Round attack(int port, String method) {
        Round round = new Round(List.of(RawH2Client.connect(port), RawH2Client.connect(port)));
        byte[] prefix = RawH2Client.grpcFrame(false, ANNOUNCED, new byte[0]);
        byte[] chunk = new byte[HOSTILE_SEND_MIB * MIB];
        // The start of a valid HttpBody: field 2 (data), length-delimited, as long as the message allows.
        int dataLength = ANNOUNCED - 5;
        chunk[0] = 0x12;
        for (int i = 1; i <= 4; i++) {
            chunk[i] = (byte) ((dataLength >>> (7 * (i - 1))) & 0x7f | (i < 4 ? 0x80 : 0));
        }
        for (int i = 0; i < HOSTILE_STREAMS; i++) {
            RawH2Client h2 = round.connections.get(i % 2);
            int id = h2.newStreamId();
            List<String[]> headers = new ArrayList<>(h2.grpcHeaders(method));
            headers.add(new String[] {"x-envoy-original-method", "POST"});
            headers.add(new String[] {"x-envoy-original-path", "/app/upload?hostile=" + i});
            h2.headers(id, headers, false);
            h2.data(id, prefix, false);
            round.streams.add(new Hostile(h2, id));
        }
        // One after the other, each as fast as flow control allows, until refused or all sent:
        // so the first calls take the budget and every later one is refused.
        for (Hostile hostile : round.streams) {
            while (hostile.sent < chunk.length && !hostile.ended()) {
                int n = hostile.connection.sendWithinWindows(hostile.id, chunk, hostile.sent, chunk.length - hostile.sent);
                hostile.sent += n;
                if (n == 0 && !hostile.connection.readFrameFor(Duration.ofSeconds(30))) {
                    throw new AssertionError("no window update nor status within 30 s: " + hostile.connection.peek(hostile.id));
                }
            }
        }
        int late = 0;
        for (RawH2Client h2 : round.connections) { // statuses already on their way
            while (h2.readFrameFor(Duration.ofMillis(500))) {
                late++;
            }
        }
        GlassFishServer.log("attack sent; " + late + " frames read afterwards");
        for (Hostile hostile : round.streams) {
            StreamResult r = hostile.connection.peek(hostile.id);
            if (r.ended) {
                assertEquals("8", r.grpcStatus(), () -> "a refused hostile call: " + r);
                assertTrue(r.grpcMessage().contains("memory budget"), () -> "a refused hostile call: " + r);
                round.refused++;
            } else {
                assertEquals(chunk.length, hostile.sent, () -> "a hostile call neither refused nor fully sent: " + r);
                round.holding++;
                round.heldBytes += hostile.sent;
            }
        }
        return round;
    }

    /** The server's live heap in KiB: used right after a full collection. */
    static long liveHeapKb(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        assertTrue(m.find(), () -> "no used heap in GC.heap_info: " + info);
        return Long.parseLong(m.group(1));
    }

    static String jcmd(long pid, String command) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, String.valueOf(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, () -> "jcmd " + command + ": " + out);
        return out;
    }

    static final class Hostile {
        final RawH2Client connection;
        final int id;
        int sent;

        Hostile(RawH2Client connection, int id) {
            this.connection = connection;
            this.id = id;
        }

        boolean ended() {
            StreamResult r = connection.peek(id);
            return r.ended || r.rstCode != null || r.connectionError != null;
        }
    }

    static final class Round {
        final List<RawH2Client> connections;
        final List<Hostile> streams = new ArrayList<>();
        int refused;
        int holding;
        long heldBytes;

        Round(List<RawH2Client> connections) {
            this.connections = connections;
        }

        /** Ends every holder's request mid-message (END_STREAM) and waits for each one's status. */
        List<StreamResult> endHolders() {
            List<StreamResult> results = new ArrayList<>();
            for (Hostile hostile : streams) {
                if (!hostile.ended()) {
                    hostile.connection.data(hostile.id, new byte[0], true);
                    results.add(hostile.connection.await(hostile.id, Duration.ofSeconds(60)));
                }
            }
            return results;
        }

        void close() {
            connections.forEach(RawH2Client::close);
        }

        @Override
        public String toString() {
            return refused + " refused, " + holding + " holding " + heldBytes + " bytes";
        }
    }
}
