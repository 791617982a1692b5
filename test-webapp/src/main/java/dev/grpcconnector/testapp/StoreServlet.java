package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Stores uploads as an application would: {@code POST /store?id=ID} streams the body to a
 * temporary file and, only once the whole body was read, moves it to its place and answers
 * {@code 201} with JSON {id, length}. A body whose reading fails is thrown away (the
 * upload never appears). {@code GET /store?id=ID} returns the stored bytes (404 if there
 * are none); {@code GET /store?state} answers JSON {active, maxActive, failed}: how many
 * uploads are being read right now, the most at once, and how many failed.
 */
@WebServlet("/store")
public class StoreServlet extends HttpServlet {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final AtomicInteger ACTIVE = new AtomicInteger();
    private static final AtomicInteger MAX_ACTIVE = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();
    private static final Map<String, Path> STORED = new ConcurrentHashMap<>();

    private Path directory;

    @Override
    public void init() {
        try {
            directory = Files.createTempDirectory("grpc-connector-store");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory for uploads", e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = req.getParameter("id");
        if (id == null || !ID.matcher(id).matches()) {
            resp.sendError(400, "id must match " + ID);
            return;
        }
        Path partial = Files.createTempFile(directory, id, ".partial");
        int active = ACTIVE.incrementAndGet();
        MAX_ACTIVE.accumulateAndGet(active, Math::max);
        long length = 0;
        try (InputStream in = req.getInputStream(); OutputStream out = Files.newOutputStream(partial)) {
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                length += n;
            }
        } catch (IOException e) {
            FAILED.incrementAndGet();
            Files.deleteIfExists(partial);
            throw e;
        } finally {
            ACTIVE.decrementAndGet();
        }
        Path stored = directory.resolve(id);
        Files.move(partial, stored, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        STORED.put(id, stored);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("length", length);
        resp.setStatus(201);
        resp.setContentType("application/json");
        resp.getOutputStream().write(Json.write(out).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getParameter("state") != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("active", ACTIVE.get());
            out.put("maxActive", MAX_ACTIVE.get());
            out.put("failed", FAILED.get());
            resp.setContentType("application/json");
            resp.getOutputStream().write(Json.write(out).getBytes(StandardCharsets.UTF_8));
            return;
        }
        Path stored = STORED.get(String.valueOf(req.getParameter("id")));
        if (stored == null) {
            resp.sendError(404, "nothing stored under this id");
            return;
        }
        resp.setContentType("application/octet-stream");
        resp.setContentLengthLong(Files.size(stored));
        Files.copy(stored, resp.getOutputStream());
    }
}
