package dev.grpcconnector.testapp;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST|PUT /upload}: reads the body as a stream, answers JSON {length, sha256}. */
@WebServlet("/upload")
public class UploadServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Bodies.Summary body = Bodies.read(req.getInputStream());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("length", body.length());
        out.put("sha256", body.sha256());
        out.put("contentType", req.getContentType());
        out.put("contentLength", req.getContentLengthLong());
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getOutputStream().write(Json.write(out).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        doPost(req, resp);
    }
}
