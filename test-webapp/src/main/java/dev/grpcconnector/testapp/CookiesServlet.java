package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code /cookies}: two Set-Cookie headers ({@code a=1}, {@code b=2}) and a text body. */
@WebServlet("/cookies")
public class CookiesServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.addCookie(new Cookie("a", "1"));
        resp.addCookie(new Cookie("b", "2"));
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().print("two cookies\n");
    }
}
