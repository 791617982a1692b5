package dev.grpcconnector.it.sample;

import dev.grpcconnector.edge.DevEdge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample EAR in a real browser through the development edge: headless Chromium →
 * {@code dev-edge} (HTTP/1.1) → {@code HttpService/Stream} over h2c → the connector →
 * GlassFish → the application. The browser only ever knows the edge's address; every
 * test checks that it stayed there, so no redirect leaked GlassFish's own HTTP port.
 *
 * <p>Each test is one thing a user does, asserted on what the user sees (waiting on DOM
 * conditions, never on time): signing in and staying signed in across pages, the Faces
 * form's validation errors and its post-redirect-get, an upload downloaded back by the
 * browser byte for byte, a live page updated by server-sent events, and the custom 404
 * page with status 404. Screenshots of every step land in
 * {@code integration-tests/target/browser-screenshots/} (docs/browser-tests.md).
 *
 * <p>One browser and one edge for the class, on free ports, always closed in
 * {@link #stopBrowserAndEdge()}; cookies are cleared before each test.
 */
@ExtendWith(Chromium.class)
class BrowserIT extends SampleTestBase {

    /** Generous: two shared cores, GlassFish, Chromium and the build all at once. */
    static final Duration WAIT = Duration.ofSeconds(90);

    static final Path SCREENSHOTS = Path.of(System.getProperty("it.browser.screenshots", "target/browser-screenshots"));
    static final Path WORK = Path.of(System.getProperty("it.work.dir", "target/it-work")).resolve("browser");

    private static DevEdge edge;
    private static ChromeDriver driver;
    private static Path downloads;
    private static final AtomicInteger shots = new AtomicInteger();
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private String testName;
    private String tag;

    /** A screenshot of whatever the browser showed when a test failed. */
    @RegisterExtension
    static final TestWatcher FAILURE_SCREENSHOT = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (driver != null) {
                try {
                    screenshot(context.getRequiredTestMethod().getName() + "-FAILED");
                    System.out.println("=== browser at failure: " + driver.getCurrentUrl());
                } catch (RuntimeException e) {
                    System.out.println("=== no screenshot of the failure: " + e);
                }
            }
        }
    };

    @BeforeAll
    static void startEdgeAndBrowser() throws IOException {
        // The edge in this JVM, in front of the connector's gRPC listener, on a free port.
        edge = DevEdge.start("--port=0", "--bind=127.0.0.1", "--backend=127.0.0.1:" + server.grpcPort(),
                "--secret-file=" + server.edgeSecretFile());
        Files.createDirectories(SCREENSHOTS);
        try (Stream<Path> old = Files.list(SCREENSHOTS)) {
            for (Path p : old.filter(p -> p.toString().endsWith(".png")).toList()) {
                Files.delete(p);
            }
        }
        Path run = WORK.resolve("run-" + UUID.randomUUID().toString().substring(0, 8));
        downloads = run.resolve("downloads");
        driver = Chromium.start(run.resolve("profile"), downloads, SCREENSHOTS.resolve("chromedriver.log"));
    }

    @AfterAll
    static void stopBrowserAndEdge() {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            driver = null;
            if (edge != null) {
                edge.close();
                edge = null;
            }
        }
    }

    @BeforeEach
    void freshUser(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
        tag = "b" + UUID.randomUUID().toString().substring(0, 8);
        closeOtherTabs();
        driver.manage().deleteAllCookies();
    }

    // ------------------------------------------------------------------------------ tests

    @Test
    void signedInUserStaysSignedInAcrossProtectedPages() {
        open(APP + "/secure/items.xhtml");
        WebElement form = waitFor(By.id("login"));
        assertTrue(form.isDisplayed(), "the protected page asks to sign in");
        assertTrue(driver.findElements(By.id("signed-in-user")).isEmpty(), "nobody is signed in yet");
        step("login-form");

        driver.findElement(By.id("j_username")).sendKeys("demo");
        driver.findElement(By.id("j_password")).sendKeys("demo");
        step("login-filled");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        waitForText(By.tagName("h1"), "Items");
        assertEquals("demo", driver.findElement(By.id("signed-in-user")).getText(), "signed in as demo");
        assertPath(APP + "/secure/items.xhtml");
        Cookie session = driver.manage().getCookieNamed("JSESSIONID");
        assertNotNull(session, "the browser keeps a session cookie");
        assertTrue(session.isHttpOnly(), "the session cookie is HttpOnly");
        step("items-signed-in");

        // A second protected page, reached by clicking, without signing in again.
        driver.findElement(By.id("new-item")).click();
        waitForText(By.tagName("h1"), "New item");
        assertPath(APP + "/secure/item.xhtml");
        assertEquals("demo", driver.findElement(By.id("signed-in-user")).getText(), "still signed in on the second page");
        assertTrue(driver.findElements(By.id("login")).isEmpty(), "no login form on the second page");
        assertEquals(session.getValue(), driver.manage().getCookieNamed("JSESSIONID").getValue(), "the same session");
        step("second-protected-page");

        // And back by the navigation bar: still the same user.
        driver.findElement(By.linkText("Items")).click();
        waitForText(By.tagName("h1"), "Items");
        assertEquals("demo", driver.findElement(By.id("signed-in-user")).getText());
    }

    @Test
    void facesFormShowsValidationErrorsThenListsTheItemAfterRedirect() {
        signIn();
        open(APP + "/secure/item.xhtml");
        waitForText(By.tagName("h1"), "New item");

        // Invalid first: the same page comes back with the Bean Validation messages.
        type(By.id("item:name"), " ");
        type(By.id("item:quantity"), "-2");
        step("invalid-filled");
        driver.findElement(By.id("item:save")).click();
        waitForText(By.id("item:name-message"), "Name must not be blank");
        assertEquals("Quantity must be 0 or more", driver.findElement(By.id("item:quantity-message")).getText());
        assertTrue(driver.findElement(By.id("item:name-message")).isDisplayed(), "the error is visible");
        assertPath(APP + "/secure/item.xhtml");
        step("validation-errors");

        // Then valid: saved, redirected to the list (post-redirect-get), listed.
        String name = "Browser item " + tag;
        type(By.id("item:name"), name);
        type(By.id("item:quantity"), "5");
        driver.findElement(By.id("item:save")).click();
        String message = waitForMatch(By.cssSelector("#messages li.info"), Pattern.compile("Item (\\d+) created")).group();
        assertPath(APP + "/secure/items.xhtml");
        assertEquals(1L, driver.executeScript("return performance.getEntriesByType('navigation')[0].redirectCount"),
                "the list was reached by one redirect after the post");
        List<String> names = driver.findElements(By.cssSelector("span.item-name")).stream().map(WebElement::getText).toList();
        assertTrue(names.contains(name), () -> "the new item is listed: " + names);
        assertFalse(driver.findElements(By.id("item:name-message")).stream().anyMatch(WebElement::isDisplayed));
        step("item-listed");

        // The list is a GET: reloading it shows the list again, without the one-time message and without posting.
        driver.navigate().refresh();
        waitForText(By.tagName("h1"), "Items");
        assertTrue(driver.findElements(By.cssSelector("#messages li.info")).stream().noneMatch(e -> e.getText().equals(message)),
                "the flash message was shown once");
        assertEquals(1, driver.findElements(By.cssSelector("span.item-name")).stream().filter(e -> e.getText().equals(name)).count(),
                "reloading after the redirect created nothing");
    }

    @Test
    void uploadedFileDownloadsBackIdenticallyThroughTheBrowser() throws IOException {
        byte[] content = new byte[2 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        String fileName = "browser-upload-" + tag + ".bin";
        Path upload = WORK.resolve("uploads").resolve(fileName);
        Files.createDirectories(upload.getParent());
        Files.write(upload, content);

        open(APP + "/files.xhtml");
        waitForText(By.tagName("h1"), "Files");
        driver.findElement(By.id("file")).sendKeys(upload.toAbsolutePath().toString());
        step("file-chosen");
        driver.findElement(By.cssSelector("#upload button[type=submit]")).click();

        WebElement link = waitFor(By.xpath("//a[@class='new' and text()=" + xpathLiteral(fileName) + "]"));
        assertPath(APP + "/files.xhtml");
        String href = link.getAttribute("href");
        assertTrue(href.startsWith(edgeOrigin() + APP + "/download/"), () -> "the download link points to the edge: " + href);
        step("uploaded");

        // A real browser download: Chromium saves it into the download directory.
        link.click();
        Path saved = downloads.resolve(fileName);
        new FluentWait<>(downloads).withTimeout(WAIT).pollingEvery(Duration.ofMillis(200))
                .withMessage(() -> "the browser saved " + saved + "; the directory holds " + list(downloads))
                .until(dir -> Files.isRegularFile(saved) && list(dir).stream().noneMatch(f -> f.endsWith(".crdownload")));
        assertEquals(content.length, Files.size(saved), "downloaded size");
        assertEquals(sha256(content), sha256(Files.readAllBytes(saved)), "SHA-256 of the downloaded file");

        // What the user sees in the browser's downloads page.
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get("chrome://downloads");
        waiting().withMessage("the downloads page lists " + fileName)
                .until(d -> String.valueOf(driver.executeScript("const m = document.querySelector('downloads-manager');"
                        + " return m && m.shadowRoot ? Array.from(m.shadowRoot.querySelectorAll('downloads-item'))"
                        + ".map(i => i.shadowRoot ? i.shadowRoot.textContent : '').join(' ') : ''")).contains(fileName));
        step("downloaded");
    }

    @Test
    void livePageShowsChangesMadeElsewhere() throws Exception {
        signIn();
        open(APP + "/live.xhtml");
        waitForText(By.id("status"), "connected");
        String live = driver.getWindowHandle();
        step("live-connected");

        // Another tab: the user creates an item with the Faces form.
        String name = "Live item " + tag;
        driver.switchTo().newWindow(WindowType.TAB);
        open(APP + "/secure/item.xhtml");
        waitForText(By.tagName("h1"), "New item");
        type(By.id("item:name"), name);
        type(By.id("item:quantity"), "3");
        driver.findElement(By.id("item:save")).click();
        String id = waitForMatch(By.cssSelector("#messages li.info"), Pattern.compile("Item (\\d+) created")).group(1);
        step("created-in-other-tab");
        driver.close();
        driver.switchTo().window(live);

        waitForEvent("created item " + id + ": " + name + " × 3");
        step("live-created");

        // Another channel: the JSON API through the edge, with the browser's session cookie.
        Cookie session = driver.manage().getCookieNamed("JSESSIONID");
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(edgeOrigin() + APP + "/api/items/" + id))
                        .header("Cookie", "JSESSIONID=" + session.getValue())
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + " renamed\",\"quantity\":4}"))
                        .timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put::body);

        waitForEvent("updated item " + id + ": " + name + " renamed × 4");
        assertEquals("connected", driver.findElement(By.id("status")).getText(), "the event stream stayed open");
        step("live-updated");
    }

    @Test
    void missingPageShowsTheCustom404PageWithStatus404() {
        open(APP + "/");
        waitForText(By.tagName("h1"), "Sample EAR");
        step("home");
        driver.manage().logs().get(LogType.PERFORMANCE); // drop what was logged so far

        String missing = APP + "/no-such-page-" + tag;
        open(missing);
        waitForText(By.id("error-404"), "Page not found");
        assertTrue(driver.findElement(By.tagName("main")).getText().contains("There is nothing at " + missing),
                () -> "the page names the missing path: " + driver.findElement(By.tagName("main")).getText());
        assertTrue(driver.getTitle().startsWith("Not found"), driver::getTitle);
        assertPath(missing);
        step("custom-404");

        // The status Chromium got for the navigation itself (its network log) ...
        Map<?, ?> navigation = documentResponse(edgeOrigin() + missing);
        assertEquals(404, ((Number) navigation.get("status")).intValue(), () -> "the page's navigation: " + navigation);
        // Faces renders the error page as application/xhtml+xml for a browser's Accept, directly too (see the next test).
        assertTrue(List.of("text/html", "application/xhtml+xml").contains(navigation.get("mimeType")),
                () -> "the page's navigation: " + navigation);
        // ... and for the same URL fetched from the page's script.
        Object fetched = driver.executeScript("return fetch(arguments[0]).then(r => r.text().then(t => r.status + ' '"
                + " + t.includes('id=\"error-404\"')))", missing);
        assertEquals("404 true", fetched, "fetch() from the page: the status, and whether the custom page came");
    }

    /** The edge answers a missing page as GlassFish does directly: status and content type, for the same Accept. */
    @Test
    void missingPageThroughTheEdgeMatchesGlassFishDirectly() throws Exception {
        String missing = APP + "/no-such-page-" + tag;
        for (String accept : List.of("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*")) {
            HttpResponse<String> viaEdge = get(edgeOrigin() + missing, accept);
            HttpResponse<String> direct = get("http://127.0.0.1:" + server.httpPort() + missing, accept);
            assertEquals(404, viaEdge.statusCode(), viaEdge::body);
            assertEquals(direct.statusCode(), viaEdge.statusCode());
            assertEquals(direct.headers().firstValue("content-type"), viaEdge.headers().firstValue("content-type"),
                    "content type for Accept " + accept);
            assertTrue(viaEdge.body().contains("id=\"error-404\""), viaEdge::body);
        }
    }

    private static HttpResponse<String> get(String url, String accept) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // ---------------------------------------------------------------------------- helpers

    private static String edgeOrigin() {
        return "http://127.0.0.1:" + edge.port();
    }

    private void open(String path) {
        driver.get(edgeOrigin() + path);
    }

    /** Signs in as demo/demo through the login form, as a user does. */
    private void signIn() {
        open(APP + "/secure/items.xhtml");
        waitFor(By.id("login"));
        driver.findElement(By.id("j_username")).sendKeys("demo");
        driver.findElement(By.id("j_password")).sendKeys("demo");
        driver.findElement(By.cssSelector("#login button[type=submit]")).click();
        waitForText(By.id("signed-in-user"), "demo");
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(200));
    }

    private static WebElement waitFor(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void waitForText(By by, String text) {
        waiting().withMessage(() -> "waiting for " + by + " to read \"" + text + "\" on " + driver.getCurrentUrl())
                .until(d -> d.findElements(by).stream().anyMatch(e -> e.getText().strip().equals(text)));
    }

    private static Matcher waitForMatch(By by, Pattern pattern) {
        return waiting().withMessage(() -> "waiting for " + by + " to match " + pattern + " on " + driver.getCurrentUrl())
                .until(d -> d.findElements(by).stream()
                        .map(e -> pattern.matcher(e.getText().strip()))
                        .filter(Matcher::matches).findFirst().orElse(null));
    }

    /** Waits until the live page lists {@code text} as an event. */
    private static void waitForEvent(String text) {
        waiting().withMessage(() -> "waiting for the live page to list \"" + text + "\"; it lists "
                        + driver.findElements(By.cssSelector("#events li")).stream().map(WebElement::getText).toList())
                .until(d -> d.findElements(By.cssSelector("#events li")).stream().anyMatch(e -> e.getText().equals(text)));
    }

    private static void type(By by, String text) {
        WebElement field = driver.findElement(by);
        field.clear();
        field.sendKeys(text);
    }

    /** The browser is on the edge, at {@code path} (no redirect took it to GlassFish's own port). */
    private static void assertPath(String path) {
        URI at = URI.create(driver.getCurrentUrl());
        assertEquals(edgeOrigin(), at.getScheme() + "://" + at.getAuthority(), () -> "the browser left the edge: " + at);
        assertEquals(path, at.getRawPath(), () -> "the browser is at " + at);
    }

    /** The last document response for {@code url} in Chromium's network log (its status, mimeType, headers). */
    private static Map<?, ?> documentResponse(String url) {
        Json json = new Json();
        Optional<Map<?, ?>> found = Optional.empty();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            Map<?, ?> log = json.toType(entry.getMessage(), Map.class);
            Map<?, ?> message = (Map<?, ?>) log.get("message");
            if (!"Network.responseReceived".equals(message.get("method"))) {
                continue;
            }
            Map<?, ?> params = (Map<?, ?>) message.get("params");
            Map<?, ?> response = (Map<?, ?>) params.get("response");
            if ("Document".equals(params.get("type")) && url.equals(response.get("url"))) {
                found = Optional.of(response);
            }
        }
        return found.orElseThrow(() -> new AssertionError("no document response for " + url + " in the browser's network log"));
    }

    private static void closeOtherTabs() {
        List<String> handles = List.copyOf(driver.getWindowHandles());
        for (String handle : handles.subList(1, handles.size())) {
            driver.switchTo().window(handle).close();
        }
        driver.switchTo().window(handles.get(0));
    }

    private void step(String name) {
        screenshot(testName + "-" + name);
    }

    /** Saves what the browser shows as {@code NN-name.png}; the viewport only, so the files stay small. */
    static void screenshot(String name) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Path file = SCREENSHOTS.resolve(String.format("%02d-%s.png", shots.incrementAndGet(), name));
        try {
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            return List.of("(" + e + ")");
        }
    }

    private static String xpathLiteral(String s) {
        return "'" + s + "'"; // the names used here hold no quote
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
