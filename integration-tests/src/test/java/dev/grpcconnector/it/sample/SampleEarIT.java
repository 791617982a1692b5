package dev.grpcconnector.it.sample;

import dev.grpcconnector.it.sample.Transport.Call;
import dev.grpcconnector.it.sample.Transport.EventStream;
import dev.grpcconnector.it.sample.Transport.Reply;
import dev.grpcconnector.it.sample.Transport.SseEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample EAR, feature by feature, as a user's browser (or API client) uses it. Every
 * test is one scenario run twice, over direct HTTP and through the connector
 * ({@link SampleTestBase#onBoth}): its assertions must hold on both, and what the two
 * browsers saw (statuses, the headers that matter, what was read from the bodies) must be
 * the same.
 */
class SampleEarIT extends SampleTestBase {

    static final String JSON = "application/json";

    @Test
    void homePageLinksEveryFeature() {
        onBoth(b -> {
            Reply home = b.follow(b.get(APP), 301);
            assertEquals(200, home.status(), home::toString);
            assertTrue(home.header("content-type").orElse("").startsWith("text/html"), home::toString);
            Matcher links = Pattern.compile("<a id=\"(link-[a-z0-9]+)\" href=\"([^\"]*)\"").matcher(home.text());
            StringBuilder found = new StringBuilder();
            while (links.find()) {
                found.append(links.group(1)).append('=').append(links.group(2)).append(' ');
            }
            for (String id : List.of("link-items", "link-files", "link-live", "link-api", "link-request", "link-404", "link-500")) {
                assertTrue(found.toString().contains(id + "="), () -> "no link " + id + " on the home page: " + found);
            }
            b.note("links", found.toString().strip());
        });
    }

    @Test
    void signInKeepsTheSessionAndSignOutEndsIt() {
        onBoth(b -> {
            signIn(b);
            assertNotNull(b.cookie("JSESSIONID"), "a session cookie after signing in");
            Reply request = b.get(APP + "/request");
            assertEquals("demo", field(request, "user"), "the request page sees the signed-in user");
            b.note("user seen by the application", field(request, "user"));

            Reply out = b.postForm(APP + "/logout");
            Reply home = b.follow(out, 302);
            assertFalse(home.text().contains("signed-in-user"), () -> "still signed in after signing out: " + home);
            Reply again = b.get(APP + "/secure/items.xhtml");
            assertTrue(again.text().contains("id=\"login\""), () -> "the items page must ask to sign in again: " + again);
            assertFalse(again.text().contains("signed-in-user"), again::toString);

            Reply wrong = b.follow(b.postForm(APP + "/j_security_check", "j_username", "demo", "j_password", "wrong"), 302);
            b.note("wrong password page", heading(wrong));
            assertTrue(wrong.text().contains("id=\"login-failed\""), () -> "a wrong password shows the error page: " + wrong);
        });
    }

    @Test
    void facesCrudShowsValidationErrorsAndRedirectsAfterEachPost() {
        onBoth(b -> {
            signIn(b);
            String name = "Faces item " + tag();
            String renamed = "Renamed item " + tag();

            // Create: first with invalid input, which the page shows again with the errors.
            Reply form = b.get(APP + "/secure/item.xhtml");
            assertEquals(200, form.status(), form::toString);
            FacesForm create = FacesForm.read(form, "item");
            Reply invalid = create.submit(b, "item:save", "item:name", " ", "item:quantity", "-2");
            assertEquals(200, invalid.status(), () -> "a form with errors is shown again, not redirected: " + invalid);
            assertEquals("Name must not be blank", elementText(invalid, "item:name-message"));
            assertEquals("Quantity must be 0 or more", elementText(invalid, "item:quantity-message"));
            b.note("validation errors", elementText(invalid, "item:name-message") + " / "
                    + elementText(invalid, "item:quantity-message"));

            Reply saved = FacesForm.read(invalid, "item").submit(b, "item:save", "item:name", name, "item:quantity", "7");
            Reply list = b.follow(saved, 302);
            String message = flashMessage(list);
            Matcher created = Pattern.compile("Item (\\d+) created").matcher(message);
            assertTrue(created.matches(), () -> "the list says the item was created: " + message);
            String id = created.group(1);
            b.mask(id, "<item>");
            b.note("message", message);
            assertTrue(list.text().contains("<span class=\"item-name\">" + name + "</span>"), () -> "the new item is listed: " + list);

            // Edit.
            Reply edit = b.get(APP + "/secure/item.xhtml?id=" + id);
            FacesForm update = FacesForm.read(edit, "item");
            assertEquals(name, update.value("item:name"), "the form shows the item");
            assertEquals("7", update.value("item:quantity"));
            Reply afterEdit = b.follow(update.submit(b, "item:save", "item:name", renamed, "item:quantity", "8"), 302);
            b.note("message", flashMessage(afterEdit));
            assertEquals("Item " + id + " saved", flashMessage(afterEdit));
            assertTrue(afterEdit.text().contains("<span class=\"item-name\">" + renamed + "</span>"), afterEdit::toString);

            // Delete, with the row's own button.
            Matcher row = Pattern.compile(Pattern.quote("<span class=\"item-name\">" + renamed + "</span>")
                    + ".*?name=\"(list:items:\\d+:delete)\"", Pattern.DOTALL).matcher(afterEdit.text());
            assertTrue(row.find(), () -> "a delete button in the item's row: " + afterEdit);
            Reply afterDelete = b.follow(FacesForm.read(afterEdit, "list").submit(b, row.group(1)), 302);
            b.note("message", flashMessage(afterDelete));
            assertEquals("Item " + id + " deleted", flashMessage(afterDelete));
            assertFalse(afterDelete.text().contains(renamed), afterDelete::toString);
        });
    }

    @Test
    void restApiCreatesReadsUpdatesAndDeletesItems() {
        onBoth(b -> {
            Reply created = b.send(Call.of("POST", APP + "/api/items", JSON, "{\"name\":\"Api item " + tag() + "\",\"quantity\":300}"));
            assertEquals(201, created.status(), created::toString);
            Map<?, ?> item = (Map<?, ?>) created.json();
            long id = (Long) item.get("id");
            b.mask(id, "<item>");
            assertEquals(Map.of("id", id, "name", "Api item " + tag(), "quantity", 300L), item);
            assertTrue(created.header("location").orElse("").endsWith(APP + "/api/items/" + id), created::toString);
            b.note("created", created.text());

            Reply read = b.get(APP + "/api/items/" + id);
            assertEquals(200, read.status(), read::toString);
            assertEquals(item, read.json());
            b.note("read", read.text());

            Reply all = b.get(APP + "/api/items");
            assertTrue(((List<?>) all.json()).contains(item), () -> "the list holds the item: " + all);

            Reply updated = b.send(Call.of("PUT", APP + "/api/items/" + id, JSON, "{\"name\":\"Api item " + tag() + " v2\",\"quantity\":400}"));
            assertEquals(200, updated.status(), updated::toString);
            assertEquals("Api item " + tag() + " v2", ((Map<?, ?>) updated.json()).get("name"));
            b.note("updated", updated.text());

            Reply invalid = b.send(Call.of("POST", APP + "/api/items", JSON, "{\"name\":\"\",\"quantity\":-1}"));
            assertEquals(400, invalid.status(), invalid::toString);
            assertEquals(List.of("name must not be blank", "quantity must be 0 or more"), ((Map<?, ?>) invalid.json()).get("details"));
            b.note("invalid", invalid.text());

            Reply deleted = b.send(Call.of("DELETE", APP + "/api/items/" + id, null, new byte[0]));
            assertEquals(204, deleted.status(), deleted::toString);
            assertEquals(0, deleted.body().length);
            Reply gone = b.get(APP + "/api/items/" + id);
            assertEquals(404, gone.status(), gone::toString);
            assertEquals("no such item", ((Map<?, ?>) gone.json()).get("error"));
            b.note("gone", gone.text());
        });
    }

    @Test
    void addAddsAndRefusesTwoZeros() {
        onBoth(b -> {
            Reply sum = b.send(Call.of("POST", APP + "/api/add", JSON, "{\"a\":2,\"b\":5}"));
            assertEquals(200, sum.status(), sum::toString);
            assertEquals(Map.of("o", 7L), sum.json());
            b.note("sum", sum.text());

            Reply zeros = b.send(Call.of("POST", APP + "/api/add", JSON, "{\"a\":0,\"b\":0}"));
            assertEquals(400, zeros.status(), zeros::toString);
            assertTrue(zeros.header("content-type").orElse("").startsWith(JSON), zeros::toString);
            assertEquals("a and b are both 0: nothing to add", ((Map<?, ?>) zeros.json()).get("error"));
            b.note("zeros", zeros.text());
        });
    }

    @Test
    void uploadedFileDownloadsIdenticallyWithRanges() {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(content);
        onBoth(b -> {
            String fileName = "rapport \u00e9t\u00e9 " + tag() + ".bin";
            Reply uploaded = b.send(multipart(APP + "/files/upload", fileName, content));
            assertEquals(303, uploaded.status(), uploaded::toString);
            Matcher id = Pattern.compile(Pattern.quote(APP) + "/files\\.xhtml\\?uploaded=(\\d+)")
                    .matcher(uploaded.header("location").orElse(""));
            assertTrue(id.find(), uploaded::toString);
            b.mask(id.group(1), "<file>");
            String download = APP + "/download/" + id.group(1);

            Reply page = b.follow(uploaded, 303);
            assertTrue(page.text().contains("<a href=\"" + download + "\" class=\"new\">" + fileName + "</a>"),
                    () -> "the files page lists the upload: " + page);

            Reply whole = b.get(download);
            assertEquals(200, whole.status(), whole::toString);
            assertArrayEquals(content, whole.body(), "downloaded bytes");
            assertEquals("attachment; filename=\"rapport _t_ " + tag() + ".bin\"; filename*=UTF-8''rapport%20%C3%A9t%C3%A9%20"
                    + tag() + ".bin", whole.header("content-disposition").orElse(""));
            assertEquals("bytes", whole.header("accept-ranges").orElse(""));
            b.note("sha-256", sha256(whole.body()));

            Reply middle = b.send(Call.get(download).with("range", "bytes=1000-1999"));
            assertEquals(206, middle.status(), middle::toString);
            assertEquals("bytes 1000-1999/" + content.length, middle.header("content-range").orElse(""));
            assertArrayEquals(Arrays.copyOfRange(content, 1000, 2000), middle.body());

            Reply tail = b.send(Call.get(download).with("range", "bytes=-100"));
            assertEquals(206, tail.status(), tail::toString);
            assertArrayEquals(Arrays.copyOfRange(content, content.length - 100, content.length), tail.body());

            Reply outside = b.send(Call.get(download).with("range", "bytes=" + content.length + "-"));
            assertEquals(416, outside.status(), outside::toString);
            assertEquals("bytes */" + content.length, outside.header("content-range").orElse(""));
        });
    }

    @Test
    void eventStreamReportsAChange() {
        onBoth(b -> {
            try (EventStream events = b.openEvents(APP + "/api/events")) {
                assertEquals(200, events.status());
                assertTrue(events.headers().getOrDefault("content-type", List.of("")).get(0).startsWith("text/event-stream"),
                        () -> "content type " + events.headers());
                SseEvent ready = events.next(EVENT_WAIT_SECONDS);
                assertEquals(new SseEvent("ready", "subscribed"), ready);

                String name = "Live item " + tag();
                Reply created = b.send(Call.of("POST", APP + "/api/items", JSON, "{\"name\":\"" + name + "\",\"quantity\":200}"));
                assertEquals(201, created.status(), created::toString);
                long id = (Long) ((Map<?, ?>) created.json()).get("id");
                b.mask(id, "<item>");

                SseEvent change = events.next(EVENT_WAIT_SECONDS);
                while (!change.data().contains(name)) {
                    change = events.next(EVENT_WAIT_SECONDS);
                }
                assertEquals("item", change.name());
                assertEquals(Map.of("type", "created", "id", id, "item", Map.of("id", id, "name", name, "quantity", 200L)),
                        dev.grpcconnector.it.MiniJson.object(change.data()));
                b.note("event", change.name() + " " + change.data());
            }
        });
    }

    @Test
    void staticAssetsCarryCachingHeaders() {
        onBoth(b -> {
            Reply css = b.get(APP + "/static/app.css");
            assertEquals(200, css.status(), css::toString);
            assertTrue(css.header("content-type").orElse("").startsWith("text/css"), css::toString);
            assertEquals("public, max-age=3600", css.header("cache-control").orElse(""));
            String etag = css.header("etag").orElseThrow(() -> new AssertionError("no ETag: " + css));
            String lastModified = css.header("last-modified").orElseThrow(() -> new AssertionError("no Last-Modified: " + css));
            b.note("etag", etag);
            b.note("last-modified", lastModified);
            b.note("sha-256", sha256(css.body()));

            Reply byTag = b.send(Call.get(APP + "/static/app.css").with("if-none-match", etag));
            assertEquals(304, byTag.status(), byTag::toString);
            assertEquals(0, byTag.body().length);
            Reply byDate = b.send(Call.get(APP + "/static/app.css").with("if-modified-since", lastModified));
            assertEquals(304, byDate.status(), byDate::toString);

            Reply js = b.get(APP + "/static/app.js");
            assertEquals(200, js.status(), js::toString);
            assertTrue(js.header("content-type").orElse("").contains("javascript"), js::toString);
            assertEquals("public, max-age=3600", js.header("cache-control").orElse(""));
            assertTrue(js.text().contains("new EventSource("), "the live page's script");
        });
    }

    @Test
    void errorPagesAreTheApplicationsOwnWithTheRightStatus() {
        onBoth(b -> {
            Reply missing = b.get(APP + "/no/such/page-" + tag());
            assertEquals(404, missing.status(), missing::toString);
            assertTrue(missing.text().contains("<h1 id=\"error-404\">Page not found</h1>"), missing::toString);
            assertTrue(missing.text().contains("<code>" + APP + "/no/such/page-" + tag() + "</code>"), missing::toString);
            b.note("404 page", heading(missing));

            Reply failing = b.get(APP + "/fail");
            assertEquals(500, failing.status(), failing::toString);
            assertTrue(failing.text().contains("<h1 id=\"error-500\">Something went wrong</h1>"), failing::toString);
            b.note("500 page", heading(failing));
        });
    }

    @Test
    void requestPageShowsTheRequestAsTheApplicationSeesIt() {
        onBoth(b -> {
            String query = "x=1&y=%C3%A9&tag=" + tag();
            Reply page = b.send(Call.get(APP + "/request?" + query).with("x-demo", "hello").with("cookie", "theme=dark"));
            assertEquals(200, page.status(), page::toString);
            String origin = "http://127.0.0.1:" + server.httpPort();
            Map<String, String> expected = Map.of("method", "GET", "url", origin + APP + "/request", "uri", APP + "/request",
                    "query", query, "scheme", "http", "secure", "false", "remote-addr", "127.0.0.1",
                    "server-name", "127.0.0.1", "server-port", String.valueOf(server.httpPort()), "user", "");
            for (String f : List.of("method", "url", "uri", "query", "scheme", "secure", "remote-addr", "server-name",
                    "server-port", "user")) {
                assertEquals(expected.get(f), field(page, f), "request page field " + f);
                b.note(f, field(page, f));
            }
            assertTrue(page.text().contains("<tr><th>x-demo</th><td>hello</td></tr>"), () -> "the header is listed: " + page);
            assertTrue(page.text().contains("<tr id=\"c-theme\"><th>theme</th><td>dark</td></tr>"), () -> "the cookie is listed: " + page);
        });
    }

    // ------------------------------------------------------------------------- helpers

    /** A value of the request page, by its row id {@code f-NAME}. */
    static String field(Reply page, String name) {
        Matcher m = Pattern.compile("<tr id=\"f-" + Pattern.quote(name) + "\"><th>[^<]*</th><td>([^<]*)</td></tr>").matcher(page.text());
        assertTrue(m.find(), () -> "no field " + name + " on the request page: " + page);
        return FacesForm.unescape(m.group(1));
    }

    /** The text of the element with this id. */
    static String elementText(Reply page, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(page.text());
        assertTrue(m.find(), () -> "no element " + id + ": " + page);
        return FacesForm.unescape(m.group(1)).strip();
    }

    /** The one Faces message shown at the top of the items page. */
    static String flashMessage(Reply page) {
        Matcher m = Pattern.compile("<li class=\"info\">([^<]*)</li>").matcher(page.text());
        assertTrue(m.find(), () -> "no message on the page: " + page);
        return m.group(1).strip();
    }

    /** The page's first h1. */
    static String heading(Reply page) {
        Matcher m = Pattern.compile("<h1[^>]*>([^<]*)</h1>").matcher(page.text());
        return m.find() ? m.group(1) : "(no h1) HTTP " + page.status();
    }

    /** A multipart/form-data POST with one file field, as a browser sends the upload form. */
    static Call multipart(String path, String fileName, byte[] content) {
        String boundary = "----sample-upload-" + Long.toHexString(new Random().nextLong());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return Call.of("POST", path, "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
