package dev.grpcconnector.testapp;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /chunks?n=N&delay=MS}: no Content-Length; writes N lines "chunk i", flushing
 * after each and sleeping MS between them (for streaming tests).
 *
 * <p>{@code /chunks?n=N&size=S}: no Content-Length either, but N binary chunks of S bytes
 * each (application/octet-stream), flushed after each; together they are the
 * {@code /bytes?size=N*S} pattern, so large multi-chunk bodies can be checked byte for byte.
 */
@WebServlet("/chunks")
public class ChunksServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int n = intParam(req, "n", 3);
        int delay = intParam(req, "delay", 0);
        int size = intParam(req, "size", -1);
        resp.setContentType(size < 0 ? "text/plain;charset=UTF-8" : "application/octet-stream");
        ServletOutputStream out = resp.getOutputStream();
        long written = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0 && delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (size < 0) {
                out.write(("chunk " + i + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
                byte[] chunk = new byte[size];
                for (int k = 0; k < size; k++) {
                    chunk[k] = Bodies.patternByte(written + k);
                }
                out.write(chunk);
                written += size;
            }
            out.flush();
        }
    }

    private static int intParam(HttpServletRequest req, String name, int dflt) {
        String v = req.getParameter(name);
        return v == null ? dflt : Integer.parseInt(v);
    }
}
