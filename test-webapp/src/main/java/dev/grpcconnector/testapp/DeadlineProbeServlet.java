package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code /deadline-probe?ms=N[&flushFirst=1]}: optionally sends its response headers at
 * once, sleeps N ms, then writes a 1 MiB body of zeros in flushed 16 KiB chunks.
 */
@WebServlet("/deadline-probe")
public class DeadlineProbeServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/octet-stream");
        if (req.getParameter("flushFirst") != null) {
            resp.flushBuffer();
        }
        try {
            Thread.sleep(Long.parseLong(req.getParameter("ms")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] chunk = new byte[16384];
        for (int i = 0; i < 64; i++) {
            resp.getOutputStream().write(chunk);
            resp.flushBuffer();
        }
    }
}
