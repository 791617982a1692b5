package org.example.sample.service;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.example.sample.model.Item;

import java.util.List;
import java.util.Optional;

/** Create, read, update and delete items; each method is one transaction. */
@Stateless
public class ItemService {

    @PersistenceContext(unitName = "sample")
    private EntityManager em;

    /** All items, oldest first. */
    public List<Item> list() {
        return em.createNamedQuery(Item.ALL, Item.class).getResultList();
    }

    /** The item with this id, if there is one. */
    public Optional<Item> find(long id) {
        return Optional.ofNullable(em.find(Item.class, id));
    }

    /** Stores a new item and returns it with its id. */
    public Item create(String name, int quantity) {
        Item item = new Item(name, quantity);
        em.persist(item);
        em.flush();
        return item;
    }

    /** Changes an item; empty when there is no item with this id. */
    public Optional<Item> update(long id, String name, int quantity) {
        Item item = em.find(Item.class, id);
        if (item == null) {
            return Optional.empty();
        }
        item.setName(name);
        item.setQuantity(quantity);
        em.flush();
        return Optional.of(item);
    }

    /** Deletes an item; false when there is no item with this id. */
    public boolean delete(long id) {
        Item item = em.find(Item.class, id);
        if (item == null) {
            return false;
        }
        em.remove(item);
        return true;
    }
}
