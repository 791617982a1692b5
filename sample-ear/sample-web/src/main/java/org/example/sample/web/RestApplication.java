package org.example.sample.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JSON API under {@code /api}. */
@ApplicationPath("api")
public class RestApplication extends Application {
}
