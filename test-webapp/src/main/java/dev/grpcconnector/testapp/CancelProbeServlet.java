package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What an application sees when its client goes away.
 *
 * <ul>
 * <li>{@code GET /cancel-probe?id=X}: writes and flushes 16 KiB chunks until a write fails
 * (or 120 s pass, or 8 GiB were written).</li>
 * <li>{@code POST /cancel-probe?id=X}: reads the body until a read fails or it ends.</li>
 * <li>{@code GET /cancel-state?id=X}: the probe's log so far, one event per line:
 * "writing" or "reading" once under way, then "write failed: …", "read failed: …",
 * "read ended after N bytes" or "never failed", and "returned" once the request thread
 * has left the servlet.</li>
 * </ul>
 */
@WebServlet({"/cancel-probe", "/cancel-state"})
public class CancelProbeServlet extends HttpServlet {

    private static final Map<String, StringBuffer> LOGS = new ConcurrentHashMap<>();
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long GIVE_UP_BYTES = 8L << 30;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = req.getParameter("id");
        if ("/cancel-state".equals(req.getServletPath())) {
            resp.setContentType("text/plain;charset=UTF-8");
            StringBuffer log = LOGS.get(id);
            resp.getWriter().print(log == null ? "" : log);
            return;
        }
        StringBuffer log = LOGS.computeIfAbsent(id, k -> new StringBuffer());
        try {
            resp.setContentType("application/octet-stream");
            OutputStream out = resp.getOutputStream();
            byte[] chunk = new byte[16384];
            long start = System.nanoTime();
            long written = 0;
            try {
                while (System.nanoTime() - start < GIVE_UP_NANOS && written < GIVE_UP_BYTES) {
                    out.write(chunk);
                    out.flush();
                    if (written == 0) {
                        log.append("writing\n");
                    }
                    written += chunk.length;
                }
                log.append("never failed\n");
            } catch (IOException | RuntimeException e) {
                log.append("write failed: ").append(e).append('\n');
                throw e;
            }
        } finally {
            log.append("returned\n");
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        StringBuffer log = LOGS.computeIfAbsent(req.getParameter("id"), k -> new StringBuffer());
        try {
            InputStream in = req.getInputStream();
            byte[] buffer = new byte[16384];
            long read = 0;
            try {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    if (read == 0) {
                        log.append("reading\n");
                    }
                    read += n;
                }
                log.append("read ended after ").append(read).append(" bytes\n");
            } catch (IOException | RuntimeException e) {
                log.append("read failed: ").append(e).append('\n');
                throw e;
            }
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print("read " + read + " bytes\n");
        } finally {
            log.append("returned\n");
        }
    }
}
