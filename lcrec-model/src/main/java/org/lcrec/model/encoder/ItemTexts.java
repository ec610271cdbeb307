package org.lcrec.model.encoder;

import java.util.ArrayList;
import java.util.List;
import org.lcrec.core.Item;
import org.lcrec.core.TextCleaner;

/**
 * The texts of an item that get embedded, as LC-Rec's {@code amazon_text_emb.py} builds them: the
 * title and the description, each cleaned ({@link TextCleaner#clean}), an empty field replaced by
 * "." (what LC-Rec's cleaner yields for it). The item embedding is the mean of the field
 * embeddings. Brand and categories can be added as further fields.
 *
 * @param includeBrand add the brand as a field
 * @param includeCategories add the categories as a field
 */
public record ItemTexts(boolean includeBrand, boolean includeCategories) {
    /**
     * @return LC-Rec's choice: title and description
     */
    public static ItemTexts lcRec() {
        return new ItemTexts(false, false);
    }

    /**
     * @param item an item
     * @return its field texts, in order title, description[, brand][, categories]
     */
    public List<String> fields(Item item) {
        List<String> out = new ArrayList<>(4);
        out.add(field(item.title()));
        out.add(field(item.description()));
        if (includeBrand) {
            out.add(field(item.brand()));
        }
        if (includeCategories) {
            out.add(field(item.categories()));
        }
        return out;
    }

    /**
     * @return the number of fields per item
     */
    public int fieldCount() {
        return 2 + (includeBrand ? 1 : 0) + (includeCategories ? 1 : 0);
    }

    private static String field(String raw) {
        String s = TextCleaner.clean(raw);
        return s.isEmpty() ? "." : s;
    }

    @Override
    public String toString() {
        return "ItemTexts(title, description"
                + (includeBrand ? ", brand" : "")
                + (includeCategories ? ", categories" : "")
                + ")";
    }
}
