package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code POST /login} with form fields user and password; alice/secret is accepted. */
@WebServlet("/login")
public class LoginServlet extends HttpServlet {

    static final String USER = "user";

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String user = req.getParameter("user");
        String password = req.getParameter("password");
        if ("alice".equals(user) && "secret".equals(password)) {
            req.getSession(true).setAttribute(USER, user);
            resp.setStatus(302);
            resp.setHeader("Location", "/app/private");
            return;
        }
        resp.setStatus(401);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().print("bad credentials\n");
    }
}
