package org.example.sample.web;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /api/add} with {@code {"a":2,"b":5}} answers {@code {"o":7}}; two zeros are refused with 400. */
@Path("add")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AddResource {

    /** The two numbers to add. */
    public record Operands(long a, long b) {
    }

    /** Their sum. */
    public record Sum(long o) {
    }

    /** Adds a and b. */
    @POST
    public Response add(Operands operands) {
        if (operands == null) {
            return Response.status(Response.Status.BAD_REQUEST).entity(ErrorBody.of("a JSON object with a and b is required")).build();
        }
        if (operands.a() == 0 && operands.b() == 0) {
            return Response.status(Response.Status.BAD_REQUEST).entity(ErrorBody.of("a and b are both 0: nothing to add")).build();
        }
        return Response.ok(new Sum(operands.a() + operands.b())).build();
    }
}
