package org.example.sample.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Lets browsers cache the static assets under {@code /static/} for an hour; the
 * container's default servlet adds {@code ETag} and {@code Last-Modified} and answers
 * conditional requests with 304.
 */
@WebFilter("/static/*")
public class StaticCacheFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        resp.setHeader("Cache-Control", "public, max-age=3600");
        chain.doFilter(req, resp);
    }
}
