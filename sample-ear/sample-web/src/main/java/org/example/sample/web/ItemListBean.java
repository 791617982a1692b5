package org.example.sample.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.example.sample.model.Item;
import org.example.sample.service.ItemService;

import java.util.List;

/** The item list page: the items, and deleting one (then redirecting back to the list). */
@Named
@RequestScoped
public class ItemListBean {

    @EJB
    private ItemService items;

    @Inject
    private ItemEvents events;

    private List<Item> list;

    /** All items, read once per request. */
    public List<Item> getItems() {
        if (list == null) {
            list = items.list();
        }
        return list;
    }

    /** Deletes the item and redirects to the list (post-redirect-get) with a message. */
    public String delete(long id) {
        if (items.delete(id)) {
            events.publish("deleted", id, null);
            flash("Item " + id + " deleted");
        }
        return "items?faces-redirect=true";
    }

    static void flash(String message) {
        FacesContext faces = FacesContext.getCurrentInstance();
        faces.getExternalContext().getFlash().setKeepMessages(true);
        faces.addMessage(null, new FacesMessage(message));
    }
}
