package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code /slow?ms=N}: sleeps N ms, then answers "slept N ms". */
@WebServlet("/slow")
public class SlowServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long ms = req.getParameter("ms") == null ? 1000 : Long.parseLong(req.getParameter("ms"));
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().print("slept " + ms + " ms\n");
    }
}
