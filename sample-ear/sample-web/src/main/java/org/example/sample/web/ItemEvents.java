package org.example.sample.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import org.example.sample.model.Item;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-sent events about item changes: every open {@code /api/events} stream gets an
 * {@code item} event when an item is created, updated or deleted, from the REST API or
 * from the Faces pages.
 */
@ApplicationScoped
public class ItemEvents {

    /** What an {@code item} event carries: the change, the item's id, and the item unless it was deleted. */
    public record Change(String type, long id, ItemData item) {
    }

    private final AtomicLong sequence = new AtomicLong();
    private Sse sse;
    private SseBroadcaster broadcaster;

    /** Adds a client: it first gets a {@code ready} event, then every change. */
    public synchronized void subscribe(SseEventSink sink, Sse context) {
        if (broadcaster == null) {
            sse = context;
            broadcaster = context.newBroadcaster();
        }
        sink.send(sse.newEventBuilder().name("ready").data("subscribed").build());
        broadcaster.register(sink);
    }

    /** Tells every client about a change; {@code item} is null for a deletion. */
    public synchronized void publish(String type, long id, Item item) {
        if (broadcaster == null) {
            return;
        }
        OutboundSseEvent event = sse.newEventBuilder()
                .name("item")
                .id(String.valueOf(sequence.incrementAndGet()))
                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(Change.class, new Change(type, id, item == null ? null : ItemData.of(item)))
                .build();
        broadcaster.broadcast(event);
    }
}
