package dev.grpcconnector.it.sample;

import dev.grpcconnector.it.sample.Transport.Call;
import dev.grpcconnector.it.sample.Transport.Reply;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the sample EAR stores survives a restart of GlassFish: the embedded Derby database
 * (items, users) and the uploaded files live under the domain directory, and the schema
 * is created only when missing. Restarts the shared domain once (it comes back on the
 * same ports, with the connector and both applications).
 */
class SamplePersistenceIT extends SampleTestBase {

    @Test
    void itemsUsersAndFilesSurviveARestart() {
        String name = "Kept item " + UUID.randomUUID();
        byte[] content = ("kept file " + name + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
        Browser before = new Browser(direct);
        Reply created = before.send(Call.of("POST", APP + "/api/items", "application/json",
                "{\"name\":\"" + name + "\",\"quantity\":11}"));
        assertEquals(201, created.status(), created::toString);
        long id = (Long) ((Map<?, ?>) created.json()).get("id");
        Reply uploaded = before.send(SampleEarIT.multipart(APP + "/files/upload", "kept.txt", content));
        Matcher fileId = Pattern.compile("uploaded=(\\d+)").matcher(uploaded.header("location").orElse(""));
        assertTrue(fileId.find(), uploaded::toString);

        server.restart();
        awaitSampleApp(server);
        connector.close();
        connector = new ConnectorTransport(server.grpcPort(), server.httpPort());

        onBoth(b -> {
            Reply item = b.get(APP + "/api/items/" + id);
            assertEquals(200, item.status(), item::toString);
            assertEquals(Map.of("id", id, "name", name, "quantity", 11L), item.json());
            b.note("item", item.text());

            Reply file = b.get(APP + "/download/" + fileId.group(1));
            assertEquals(200, file.status(), file::toString);
            assertArrayEquals(content, file.body(), "the uploaded file after the restart");

            signIn(b);
        });
    }
}
