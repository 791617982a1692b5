package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;

/** {@code /private}: "hello USER" when the session holds a user, else 401. */
@WebServlet("/private")
public class PrivateServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        Object user = session == null ? null : session.getAttribute(LoginServlet.USER);
        resp.setContentType("text/plain;charset=UTF-8");
        if (user == null) {
            resp.setStatus(401);
            resp.getWriter().print("not logged in\n");
            return;
        }
        resp.getWriter().print("hello " + user);
    }
}
