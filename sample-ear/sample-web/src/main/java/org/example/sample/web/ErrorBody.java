package org.example.sample.web;

import java.util.List;

/** The JSON body of every error answer of the API: a message and, for invalid input, the details. */
public record ErrorBody(String error, List<String> details) {

    /** An error without details. */
    public static ErrorBody of(String error) {
        return new ErrorBody(error, List.of());
    }
}
