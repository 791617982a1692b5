package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code /bytes?size=N}: N deterministic bytes, byte i = (i * 31 + 7) &amp; 0xff, with
 * Content-Length, written in 8 KiB chunks.
 */
@WebServlet("/bytes")
public class BytesServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long size;
        try {
            size = Long.parseLong(req.getParameter("size"));
        } catch (RuntimeException e) {
            resp.sendError(400, "missing or bad size parameter");
            return;
        }
        resp.setContentType("application/octet-stream");
        resp.setContentLengthLong(size);
        Bodies.writePattern(resp.getOutputStream(), size);
    }
}
