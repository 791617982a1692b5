package org.example.sample.web;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.example.sample.model.Item;
import org.example.sample.service.ItemService;

import java.io.Serializable;

/**
 * The item form ({@code item.xhtml}, {@code ?id=N} to edit): Faces validates the fields
 * with the entity's Bean Validation constraints; a valid form is saved and the browser
 * redirected to the list (post-redirect-get).
 */
@Named
@ViewScoped
public class ItemFormBean implements Serializable {

    private static final long serialVersionUID = 1L;

    @EJB
    private transient ItemService items;

    @Inject
    private ItemEvents events;

    private Long id;
    private Item item = new Item();
    private boolean missing;

    /** Loads the item to edit when the page was opened with {@code ?id=N}; the view keeps it for the postback. */
    @PostConstruct
    void load() {
        String param = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("id");
        if (param == null || param.isBlank()) {
            return;
        }
        try {
            id = Long.valueOf(param.trim());
            items.find(id).ifPresentOrElse(found -> item = found, () -> missing = true);
        } catch (NumberFormatException e) {
            missing = true;
        }
    }

    /** Stores the item and redirects to the list. */
    public String save() {
        Item saved;
        if (id == null) {
            saved = items.create(item.getName(), item.getQuantity());
            events.publish("created", saved.getId(), saved);
            ItemListBean.flash("Item " + saved.getId() + " created");
        } else {
            saved = items.update(id, item.getName(), item.getQuantity()).orElse(null);
            if (saved == null) {
                ItemListBean.flash("Item " + id + " no longer exists");
                return "items?faces-redirect=true";
            }
            events.publish("updated", saved.getId(), saved);
            ItemListBean.flash("Item " + saved.getId() + " saved");
        }
        return "items?faces-redirect=true";
    }

    public Long getId() {
        return id;
    }

    public Item getItem() {
        return item;
    }

    /** True when the page was opened for an id that has no item. */
    public boolean isMissing() {
        return missing;
    }
}
