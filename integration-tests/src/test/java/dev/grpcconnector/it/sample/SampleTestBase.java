package dev.grpcconnector.it.sample;

import dev.grpcconnector.it.GlassFishExtension;
import dev.grpcconnector.it.GlassFishServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample EAR on the shared GlassFish (deployed once per test JVM, at {@code /sample}),
 * and the two transports. {@link #onBoth} runs one scenario over direct HTTP and then
 * through the connector, each with a fresh {@link Browser}; the scenario's own assertions
 * must hold on both, and the two transcripts must be equal.
 */
@ExtendWith(GlassFishExtension.class)
abstract class SampleTestBase {

    static final String APP = "/sample";
    static final long EVENT_WAIT_SECONDS = 60;

    private static boolean deployed;

    static GlassFishServer server;
    static Transport direct;
    static Transport connector;

    @BeforeAll
    static void deployAndConnect(GlassFishServer s) {
        server = s;
        deploySampleEar(s);
        direct = new DirectTransport(s.httpPort());
        connector = new ConnectorTransport(s.grpcPort(), s.httpPort());
    }

    @AfterAll
    static void disconnect() {
        if (direct != null) {
            direct.close();
        }
        if (connector != null) {
            connector.close();
        }
    }

    private static synchronized void deploySampleEar(GlassFishServer s) {
        if (deployed) {
            return;
        }
        Path ear = Path.of(System.getProperty("it.sample.ear", "target/it-artifacts/sample-ear.ear")).toAbsolutePath();
        assertTrue(Files.isRegularFile(ear), () -> "sample EAR missing: " + ear);
        s.asadminRemote(Duration.ofMinutes(5), "deploy", "--name", "sample-ear", "--force=true", ear.toString());
        awaitSampleApp(s);
        deployed = true;
    }

    /** Waits until the sample application answers its API (after a deployment or a restart). */
    static void awaitSampleApp(GlassFishServer s) {
        Instant deadline = Instant.now().plusSeconds(120);
        String last = "";
        try (HttpClient client = HttpClient.newHttpClient()) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + s.httpPort() + APP + "/api/items")).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                    last = "HTTP " + r.statusCode();
                } catch (java.io.IOException e) {
                    last = e.toString();
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("the sample application does not answer: " + last);
    }

    /**
     * Runs {@code scenario} over direct HTTP, then through the connector, and compares
     * the transcripts. Each run gets a new browser and its own unique tag for the data it
     * creates (masked as {@code <tag>} in the transcript).
     */
    static void onBoth(Consumer<Browser> scenario) {
        List<String> seen = new java.util.ArrayList<>();
        List<List<String>> transcripts = new java.util.ArrayList<>();
        for (Transport t : List.of(direct, connector)) {
            Browser b = new Browser(t);
            String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
            b.mask(tag, "<tag>");
            currentTag.set(tag);
            try {
                scenario.accept(b);
            } catch (AssertionError e) {
                throw new AssertionError("[" + t.name() + "] " + e.getMessage(), e);
            } finally {
                currentTag.remove();
            }
            seen.add(t.name());
            transcripts.add(b.transcript());
        }
        assertEquals(String.join("\n", transcripts.get(0)), String.join("\n", transcripts.get(1)),
                "what the browser saw over " + seen.get(0) + " (expected) and " + seen.get(1) + " (actual)");
    }

    private static final ThreadLocal<String> currentTag = new ThreadLocal<>();

    /** A word unique to the current run of the scenario, for names of things it creates. */
    static String tag() {
        return currentTag.get();
    }

    /** Signs in as demo/demo the way a browser does: the protected page, the login form, the redirect back. */
    static Transport.Reply signIn(Browser b) {
        Transport.Reply loginPage = b.get(APP + "/secure/items.xhtml");
        assertEquals(200, loginPage.status(), loginPage::toString);
        assertTrue(loginPage.text().contains("id=\"login\""), () -> "the login form is shown instead: " + loginPage);
        Transport.Reply afterLogin = b.postForm(APP + "/j_security_check", "j_username", "demo", "j_password", "demo");
        Transport.Reply items = b.follow(afterLogin, 302);
        assertEquals(200, items.status(), items::toString);
        assertTrue(items.text().contains("<strong id=\"signed-in-user\">demo</strong>"), () -> "not signed in: " + items);
        return items;
    }
}
