package org.lcrec.tasks;

/**
 * The fields a prompt template can refer to, written {@code {key}} in template text. The keys are
 * LC-Rec's, so its own prompts converted to this project's JSON form load unchanged.
 */
public enum Placeholder {
    /** The history as item indices, joined by the separator (optionally numbered). */
    INTERS("inters"),
    /** The history as quoted item titles, joined by the separator (optionally numbered). */
    INTER_TITLES("inter_titles"),
    /** The target item's index, e.g. {@code <a_1><b_2><c_3>}. */
    ITEM("item"),
    /** The target item's cleaned title. */
    TITLE("title"),
    /** The target item's cleaned description. */
    DESCRIPTION("description"),
    /** One of the user's preference texts. */
    EXPLICIT_PREFERENCE("explicit_preference"),
    /** The user-related intention ("my preferences ..."). */
    USER_RELATED_INTENTION("user_related_intention"),
    /** The item-related intention ("the item's characteristics ..."). */
    ITEM_RELATED_INTENTION("item_related_intention"),
    /** One of the two intentions, chosen per sample. */
    QUERY("query");

    private final String key;

    Placeholder(String key) {
        this.key = key;
    }

    /**
     * @return the name inside the braces
     */
    public String key() {
        return key;
    }

    /**
     * @param key a name found inside braces
     * @return the placeholder, or {@code null} if there is none of that name
     */
    public static Placeholder byKey(String key) {
        for (Placeholder p : values()) {
            if (p.key.equals(key)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "{" + key + "}";
    }
}
