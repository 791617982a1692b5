package dev.grpcconnector.testapp;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers every method (including PATCH and OPTIONS) with a JSON description of the
 * request exactly as the servlet saw it. HEAD goes through HttpServlet's default doHead,
 * which runs doGet with the body discarded.
 */
@WebServlet("/echo")
public class EchoServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        if ("HEAD".equals(req.getMethod())) {
            super.service(req, resp);
        } else {
            echo(req, resp);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        echo(req, resp);
    }

    private void echo(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", req.getMethod());
        out.put("requestURI", req.getRequestURI());
        out.put("queryString", req.getQueryString());
        out.put("contextPath", req.getContextPath());
        out.put("servletPath", req.getServletPath());
        out.put("pathInfo", req.getPathInfo());
        out.put("protocol", req.getProtocol());

        Map<String, Object> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            List<String> values = new ArrayList<>(Collections.list(req.getHeaders(name)));
            headers.put(name.toLowerCase(java.util.Locale.ROOT), values);
        }
        out.put("headers", headers);
        out.put("scheme", req.getScheme());
        out.put("isSecure", req.isSecure());
        out.put("remoteAddr", req.getRemoteAddr());
        out.put("serverName", req.getServerName());
        out.put("serverPort", req.getServerPort());
        out.put("contentType", req.getContentType());
        out.put("contentLength", req.getContentLengthLong());

        // Parameters: for a form POST this consumes the body, which is the point of the
        // test (the parameters must be visible). The body summary then shows what was left.
        boolean form = req.getContentType() != null
                && req.getContentType().toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
        Map<String, Object> parameters = new LinkedHashMap<>();
        Bodies.Summary body;
        if (form) {
            req.getParameterMap().forEach((k, v) -> parameters.put(k, List.of(v)));
            body = Bodies.read(req.getInputStream());
        } else {
            // Read the body first so that parameter parsing cannot touch it.
            body = Bodies.read(req.getInputStream());
            req.getParameterMap().forEach((k, v) -> parameters.put(k, List.of(v)));
        }
        out.put("parameters", parameters);
        out.put("bodyLength", body.length());
        out.put("bodySha256", body.sha256());
        out.put("bodyText", body.text());

        resp.setStatus(200);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        byte[] json = Json.write(out).getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(json.length);
        resp.getOutputStream().write(json);
    }
}
