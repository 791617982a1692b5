package org.example.sample.web;

import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.example.sample.model.Item;
import org.example.sample.service.ItemService;

import java.util.List;

/** CRUD over items as JSON: {@code /api/items} and {@code /api/items/{id}}. */
@Path("items")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ItemResource {

    @EJB
    private ItemService items;

    @Inject
    private ItemEvents events;

    /** All items, oldest first. */
    @GET
    public List<ItemData> list() {
        return items.list().stream().map(ItemData::of).toList();
    }

    /** One item, or 404. */
    @GET
    @Path("{id}")
    public Response get(@PathParam("id") long id) {
        return items.find(id).map(i -> Response.ok(ItemData.of(i)).build()).orElseGet(ItemResource::notFound);
    }

    /** Creates an item: 201 with its location and the stored item. */
    @POST
    public Response create(@NotNull(message = "an item is required") @Valid ItemData data, @Context UriInfo uri) {
        Item item = items.create(data.name(), data.quantity());
        events.publish("created", item.getId(), item);
        return Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(item.getId())).build())
                .entity(ItemData.of(item)).build();
    }

    /** Replaces an item's name and quantity, or 404. */
    @PUT
    @Path("{id}")
    public Response update(@PathParam("id") long id, @NotNull(message = "an item is required") @Valid ItemData data) {
        return items.update(id, data.name(), data.quantity()).map(item -> {
            events.publish("updated", item.getId(), item);
            return Response.ok(ItemData.of(item)).build();
        }).orElseGet(ItemResource::notFound);
    }

    /** Deletes an item: 204, or 404. */
    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") long id) {
        if (!items.delete(id)) {
            return notFound();
        }
        events.publish("deleted", id, null);
        return Response.noContent().build();
    }

    private static Response notFound() {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.of("no such item")).build();
    }
}
