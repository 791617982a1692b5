package org.example.sample.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/** {@code GET /api/events}: a server-sent event stream of item changes (see {@link ItemEvents}). */
@Path("events")
public class EventsResource {

    @Inject
    private ItemEvents events;

    /** Opens the stream; it stays open until the client goes away. */
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void subscribe(@Context SseEventSink sink, @Context Sse sse) {
        events.subscribe(sink, sse);
    }
}
