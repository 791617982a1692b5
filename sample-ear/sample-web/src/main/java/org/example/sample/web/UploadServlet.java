package org.example.sample.web;

import jakarta.ejb.EJB;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import org.example.sample.model.StoredFile;
import org.example.sample.service.FileService;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /files/upload}, a multipart form with a {@code file} field: parts above
 * 1 MiB are buffered on disk by the container, and the file is copied as a stream into
 * the file store. Then 303 to the files page, which shows the new file.
 */
@WebServlet("/files/upload")
@MultipartConfig(fileSizeThreshold = 1024 * 1024)
public class UploadServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private FileService files;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        Part part = req.getPart("file");
        if (part == null || part.getSubmittedFileName() == null || part.getSubmittedFileName().isBlank()) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "Choose a file to upload");
            return;
        }
        String contentType = part.getContentType() == null ? "application/octet-stream" : part.getContentType();
        StoredFile stored;
        try (InputStream in = part.getInputStream()) {
            stored = files.store(baseName(part.getSubmittedFileName()), contentType, in);
        } finally {
            part.delete();
        }
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        resp.setHeader("Location", req.getContextPath() + "/files.xhtml?uploaded=" + stored.getId());
    }

    /** The file name without any directory a browser may have sent with it. */
    static String baseName(String submitted) {
        String name = submitted.substring(Math.max(submitted.lastIndexOf('/'), submitted.lastIndexOf('\\')) + 1);
        return name.isBlank() ? "upload" : name;
    }
}
