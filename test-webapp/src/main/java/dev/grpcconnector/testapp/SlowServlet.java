package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /slow?ms=N}: reads the request body (if any), sleeps N ms, then answers
 * "slept N ms" (followed by ", read B bytes" when there was a body).
 *
 * <p>With {@code &id=X} the servlet records its progress under X ("started" once it is
 * sleeping, "finished" once it has answered), and {@code /slow-state?id=X} tells it
 * ("unknown" before). A test can ask on another connection whether a slow request really
 * is inside the application before it sends further requests.
 */
@WebServlet({"/slow", "/slow-state"})
public class SlowServlet extends HttpServlet {

    private static final Map<String, String> STATES = new ConcurrentHashMap<>();

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = req.getParameter("id");
        if ("/slow-state".equals(req.getServletPath())) {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print(id == null ? "unknown" : STATES.getOrDefault(id, "unknown"));
            return;
        }
        long ms = req.getParameter("ms") == null ? 1000 : Long.parseLong(req.getParameter("ms"));
        long read = Bodies.read(req.getInputStream()).length();
        if (id != null) {
            STATES.put(id, "started");
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().print("slept " + ms + " ms" + (read > 0 ? ", read " + read + " bytes" : "") + "\n");
        resp.flushBuffer();
        if (id != null) {
            STATES.put(id, "finished");
        }
    }
}
