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
 */
@WebServlet("/chunks")
public class ChunksServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int n = intParam(req, "n", 3);
        int delay = intParam(req, "delay", 0);
        resp.setContentType("text/plain;charset=UTF-8");
        ServletOutputStream out = resp.getOutputStream();
        for (int i = 0; i < n; i++) {
            if (i > 0 && delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            out.write(("chunk " + i + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static int intParam(HttpServletRequest req, String name, int dflt) {
        String v = req.getParameter(name);
        return v == null ? dflt : Integer.parseInt(v);
    }
}
