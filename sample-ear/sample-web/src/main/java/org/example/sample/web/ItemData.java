package org.example.sample.web;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.example.sample.model.Item;

/** An item as the REST API reads and writes it; the id is ignored on input. */
public record ItemData(
        Long id,
        @NotBlank(message = "name must not be blank") @Size(max = 80, message = "name must be at most 80 characters") String name,
        @Min(value = 0, message = "quantity must be 0 or more") @Max(value = 1_000_000, message = "quantity must be at most 1000000") int quantity) {

    /** The JSON view of a stored item. */
    public static ItemData of(Item item) {
        return new ItemData(item.getId(), item.getName(), item.getQuantity());
    }
}
