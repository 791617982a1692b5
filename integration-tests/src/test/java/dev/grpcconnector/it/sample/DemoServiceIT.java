package dev.grpcconnector.it.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.it.HttpBodyClient;
import dev.grpcconnector.proto.demo.v1.AddRequest;
import dev.grpcconnector.proto.demo.v1.AddResponse;
import dev.grpcconnector.proto.demo.v1.DemoServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample EAR's typed gRPC service {@code grpcconnector.demo.v1.DemoService} (issue 13)
 * on the connector's listener, beside its web pages: grpc-java calls, the JPA count shown
 * by a Faces page, reflection, health, and typed and HttpBody calls churned together.
 */
class DemoServiceIT extends SampleTestBase {
    static final String SERVICE = "grpcconnector.demo.v1.DemoService";
    static final Pattern COUNT = Pattern.compile("id=\"addition-count\">(\\d+)<");

    static HttpBodyClient grpc;

    @BeforeAll
    static void connect() {
        grpc = HttpBodyClient.connect(server.grpcPort());
    }

    @AfterAll
    static void close() {
        grpc.close();
    }

    static DemoServiceGrpc.DemoServiceBlockingStub demo() {
        return DemoServiceGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void addAddsAndTheWebPageShowsTheCountFromTheDatabase() {
        long before = pageCount();
        AddResponse sum = demo().add(AddRequest.newBuilder().setA(2).setB(5).build());
        assertEquals(7, sum.getO());
        AddResponse next = demo().add(AddRequest.newBuilder().setA(-4).setB(1).build());
        assertEquals(-3, next.getO());
        assertTrue(next.getNumber() > sum.getNumber(), "each addition is recorded: " + sum.getNumber() + ", "
                + next.getNumber());
        // The same listener serves the page; the count comes from the same database.
        assertEquals(before + 2, pageCount(), "the page counts both additions");
    }

    private static long pageCount() {
        HttpBodyClient.Response page = grpc.handle(HttpBodyClient.Request.get(APP + "/additions.xhtml"));
        assertEquals(200, page.httpCode(), page::toString);
        Matcher count = COUNT.matcher(page.body().getData().toString(StandardCharsets.UTF_8));
        assertTrue(count.find(), "the page shows the count");
        return Long.parseLong(count.group(1));
    }

    @Test
    void bothZeroAndOverflowAreInvalidArgumentsWithClearMessages() {
        StatusRuntimeException zeros = assertThrows(StatusRuntimeException.class,
                () -> demo().add(AddRequest.newBuilder().setA(0).setB(0).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, zeros.getStatus().getCode());
        assertEquals("a and b are both 0: nothing to add", zeros.getStatus().getDescription());

        StatusRuntimeException overflow = assertThrows(StatusRuntimeException.class,
                () -> demo().add(AddRequest.newBuilder().setA(Integer.MAX_VALUE).setB(1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, overflow.getStatus().getCode());
        assertEquals("a + b = 2147483648 does not fit in 32 bits", overflow.getStatus().getDescription());
    }

    @Test
    void reflectionListsTheApplicationsAndTheConnectorsServices() throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(grpc.channel())
                .withDeadlineAfter(60, TimeUnit.SECONDS).serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        names.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).sorted().toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> listed = names.get(60, TimeUnit.SECONDS);
        requests.onCompleted();
        assertTrue(listed.containsAll(List.of(SERVICE, "grpcconnector.v1.HttpService", "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection")), listed::toString);
    }

    @Test
    void healthIsServingForTheServiceByName() {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(SERVICE).build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
    }

    /**
     * 10,000 calls over 4 connections, typed Add calls and HttpBody page calls alternating
     * on each connection, many in flight at once: none may fail.
     */
    @Test
    void tenThousandTypedAndHttpBodyCallsMixedOnTheSameConnectionsAllSucceed() throws Exception {
        List<HttpBodyClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(HttpBodyClient.connect(server.grpcPort()));
            }
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                HttpBodyClient client = clients.get(i % clients.size());
                int n = i;
                calls.add(CompletableFuture.supplyAsync(() -> n % 2 == 0 ? typed(client, n) : page(client, n), pool));
            }
            Map<String, Integer> failures = new TreeMap<>();
            int ok = 0;
            for (CompletableFuture<String> call : calls) {
                try {
                    String result = call.get(10, TimeUnit.MINUTES);
                    if (result.equals("ok")) {
                        ok++;
                    } else {
                        failures.merge(result, 1, Integer::sum);
                    }
                } catch (ExecutionException e) {
                    failures.merge(String.valueOf(e.getCause()).lines().findFirst().orElse("?"), 1, Integer::sum);
                }
            }
            assertEquals(Map.of(), failures, ok + " of 10,000 succeeded");
        } finally {
            pool.shutdownNow();
            clients.forEach(HttpBodyClient::close);
        }
    }

    private static String typed(HttpBodyClient client, int n) {
        AddResponse sum = DemoServiceGrpc.newBlockingStub(client.channel()).withDeadlineAfter(5, TimeUnit.MINUTES)
                .add(AddRequest.newBuilder().setA(n).setB(1).build());
        return sum.getO() == n + 1 ? "ok" : "typed: wrong sum " + sum.getO();
    }

    private static String page(HttpBodyClient client, int n) {
        HttpBodyClient.Response r = client.handle(HttpBodyClient.Request.get(APP + "/request?n=" + n));
        if (!r.ok() || r.httpCode() != 200) {
            return "page: " + r.status().getCode() + " " + r.httpCode();
        }
        return r.body().getData().toString(StandardCharsets.UTF_8).contains("<th>query</th><td>n=" + n + "</td>") ? "ok"
                : "page: wrong body";
    }
}
