package org.example.sample.web;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.example.sample.model.StoredFile;
import org.example.sample.service.FileService;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /download/{id}}: an uploaded file as an attachment, streamed from disk.
 * Supports one byte range ({@code Range: bytes=first-last}, {@code first-} or
 * {@code -suffix}): 206 with {@code Content-Range}, or 416 when the range lies outside
 * the file. Several ranges are answered with the whole file (200), as RFC 9110 allows.
 */
@WebServlet("/download/*")
public class DownloadServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    @EJB
    private FileService files;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<StoredFile> found = id(req.getPathInfo()).flatMap(files::find);
        if (found.isEmpty()) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        StoredFile file = found.get();
        Path content = files.content(file);
        long size = Files.size(content);
        resp.setHeader("Accept-Ranges", "bytes");
        resp.setHeader("Content-Disposition", contentDisposition(file.getFileName()));
        resp.setHeader("ETag", "\"" + file.getId() + "-" + size + "\"");
        resp.setDateHeader("Last-Modified", file.getUploaded().toEpochMilli());

        long first = 0;
        long last = size - 1;
        String range = req.getHeader("Range");
        Matcher m = range == null ? null : SINGLE_RANGE.matcher(range.trim());
        if (m != null && m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
            if (m.group(1).isEmpty()) {
                first = Math.max(0, size - Long.parseLong(m.group(2)));
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            }
            if (first >= size || first > last) {
                resp.setHeader("Content-Range", "bytes */" + size);
                resp.sendError(HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE);
                return;
            }
            resp.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            resp.setHeader("Content-Range", "bytes " + first + "-" + last + "/" + size);
        }
        long length = last - first + 1;
        resp.setContentType(file.getContentType());
        resp.setContentLengthLong(length);
        try (InputStream in = Files.newInputStream(content)) {
            in.skipNBytes(first);
            copy(in, resp.getOutputStream(), length);
        }
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("file ended " + left + " bytes early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static Optional<Long> id(String pathInfo) {
        if (pathInfo == null || !pathInfo.matches("/\\d{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(pathInfo.substring(1)));
    }

    /** attachment, with an ASCII fallback name and the exact name in RFC 5987 encoding. */
    static String contentDisposition(String fileName) {
        String ascii = fileName.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_");
        String encoded = URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
