package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code /status?code=N}: answers status N; empty body for 204 and 304, short text otherwise. */
@WebServlet("/status")
public class StatusServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int code;
        try {
            code = Integer.parseInt(req.getParameter("code"));
        } catch (RuntimeException e) {
            resp.setStatus(400);
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().print("missing or bad code parameter\n");
            return;
        }
        resp.setStatus(code);
        if (code == 204 || code == 304) {
            return;
        }
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().print("status " + code + "\n");
    }
}
