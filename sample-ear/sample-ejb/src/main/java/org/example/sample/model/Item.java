package org.example.sample.model;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.io.Serializable;

/** An inventory item: a name and a quantity, validated with Bean Validation. */
@Entity
@NamedQuery(name = Item.ALL, query = "SELECT i FROM Item i ORDER BY i.id")
public class Item implements Serializable {

    /** Name of the query listing all items, oldest first. */
    public static final String ALL = "Item.all";

    private static final long serialVersionUID = 1L;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @NotBlank(message = "Name must not be blank")
    @Size(max = 80, message = "Name must be at most 80 characters")
    private String name;

    @Min(value = 0, message = "Quantity must be 0 or more")
    @Max(value = 1_000_000, message = "Quantity must be at most 1000000")
    private int quantity;

    /** An empty item, for forms and JPA. */
    public Item() {
    }

    /** An item not stored yet. */
    public Item(String name, int quantity) {
        this.name = name;
        this.quantity = quantity;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getQuantity() {
        return quantity;
    }

    public void setQuantity(int quantity) {
        this.quantity = quantity;
    }
}
