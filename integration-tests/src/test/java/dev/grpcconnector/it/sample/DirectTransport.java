package dev.grpcconnector.it.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Plain HTTP/1.1 to GlassFish's HTTP listener, as a browser would talk to it without a proxy. */
public final class DirectTransport implements Transport {

    private final int port;
    private final HttpClient client;

    /** A client for 127.0.0.1:{@code port}; redirects are not followed. */
    public DirectTransport(int port) {
        this.port = port;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return "direct";
    }

    private HttpRequest request(Call call) {
        HttpRequest.BodyPublisher body = call.body().length == 0
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(call.body());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call.path()))
                .timeout(Duration.ofSeconds(120)).method(call.method(), body);
        if (call.contentType() != null) {
            b.header("Content-Type", call.contentType());
        }
        for (String[] h : call.headers()) {
            b.header(h[0], h[1]);
        }
        return b.build();
    }

    @Override
    public Reply send(Call call) {
        try {
            HttpResponse<byte[]> r = client.send(request(call), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), Reply.normalize(r.headers().map()), r.body());
        } catch (IOException e) {
            throw new AssertionError(call + " over direct HTTP failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public EventStream openEvents(Call call) {
        HttpResponse<InputStream> r;
        try {
            r = client.sendAsync(request(call), HttpResponse.BodyHandlers.ofInputStream()).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(call + ": no response headers over direct HTTP: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        InputStream in = r.body();
        EventStream stream = new EventStream(r.statusCode(), Reply.normalize(r.headers().map())) {
            @Override
            public void close() {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing aborts the exchange; nothing more to do
                }
            }
        };
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    stream.received(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
                stream.ended("end of body");
            } catch (IOException e) {
                stream.ended(e.toString());
            }
        }, "sse-direct-reader");
        reader.setDaemon(true);
        reader.start();
        return stream;
    }

    @Override
    public void close() {
        client.close();
    }
}
