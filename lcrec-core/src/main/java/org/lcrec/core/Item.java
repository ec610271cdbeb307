package org.lcrec.core;

import java.util.Objects;

/**
 * One catalogue item with its texts. Missing fields are empty strings, never {@code null}.
 *
 * @param id the item id (non-negative)
 * @param title the title, or empty
 * @param description the description, or empty (may be a raw Python-list string as published;
 *     {@link TextCleaner} turns it into prose)
 * @param brand the brand, or empty
 * @param categories the category path, comma-joined as LC-Rec stores it, or empty
 */
public record Item(int id, String title, String description, String brand, String categories) {
    /** Validates the id and replaces {@code null} fields by empty strings. */
    public Item {
        if (id < 0) {
            throw new IllegalArgumentException("item id must be >= 0, found " + id);
        }
        title = Objects.requireNonNullElse(title, "");
        description = Objects.requireNonNullElse(description, "");
        brand = Objects.requireNonNullElse(brand, "");
        categories = Objects.requireNonNullElse(categories, "");
    }

    /**
     * An item known only by its id (datasets without texts, such as Instruments here).
     *
     * @param id the item id
     * @return the item with empty texts
     */
    public static Item ofId(int id) {
        return new Item(id, "", "", "", "");
    }

    /**
     * @return whether any text field is non-empty
     */
    public boolean hasText() {
        return !title.isEmpty() || !description.isEmpty();
    }

    @Override
    public String toString() {
        String t = title.length() > 60 ? title.substring(0, 57) + "..." : title;
        return "Item(" + id + (t.isEmpty() ? "" : ", \"" + t + "\"") + ")";
    }
}
