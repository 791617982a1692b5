package org.example.sample.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /request}: the request as the application sees it (method, URL, query, scheme,
 * whether it is secure, the remote address, the server name and port, the headers and
 * the cookies), as an HTML page. Each value's row has an id ({@code f-method}, ...).
 */
@WebServlet("/request")
public class RequestInfoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("method", req.getMethod());
        fields.put("url", req.getRequestURL().toString());
        fields.put("uri", req.getRequestURI());
        fields.put("query", req.getQueryString() == null ? "" : req.getQueryString());
        fields.put("scheme", req.getScheme());
        fields.put("secure", String.valueOf(req.isSecure()));
        fields.put("remote-addr", req.getRemoteAddr());
        fields.put("server-name", req.getServerName());
        fields.put("server-port", String.valueOf(req.getServerPort()));
        fields.put("protocol", req.getProtocol());
        fields.put("user", req.getRemoteUser() == null ? "" : req.getRemoteUser());

        resp.setContentType("text/html;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        PrintWriter out = resp.getWriter();
        out.println("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\"><title>Your request</title>");
        out.println("<link rel=\"stylesheet\" href=\"" + Html.escape(req.getContextPath()) + "/static/app.css\"></head><body>");
        out.println("<header><a href=\"" + Html.escape(req.getContextPath()) + "/\">Home</a></header><main>");
        out.println("<h1>Your request</h1>\n<table class=\"grid\" id=\"request\">");
        fields.forEach((name, value) -> row(out, "f-" + name, name, value));
        out.println("</table>\n<h2>Headers</h2>\n<table class=\"grid\" id=\"headers\">");
        for (String name : Collections.list(req.getHeaderNames())) {
            for (String value : Collections.list(req.getHeaders(name))) {
                row(out, null, name, value);
            }
        }
        out.println("</table>\n<h2>Cookies</h2>\n<table class=\"grid\" id=\"cookies\">");
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                row(out, "c-" + c.getName(), c.getName(), c.getValue());
            }
        }
        out.println("</table>\n</main></body></html>");
    }

    private static void row(PrintWriter out, String id, String name, String value) {
        out.println("<tr" + (id == null ? "" : " id=\"" + Html.escape(id) + "\"") + "><th>" + Html.escape(name)
                + "</th><td>" + Html.escape(value) + "</td></tr>");
    }
}
