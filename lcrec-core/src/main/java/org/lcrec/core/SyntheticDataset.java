package org.lcrec.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded generator of small recommendation datasets whose sequences have structure a sequence
 * model can use and an item-to-item count cannot fully capture: the embedded default of every
 * command and the fixture of many tests. Same configuration → identical dataset (and identical
 * bytes when written).
 *
 * <p><b>Items.</b> Each item has a topic (an instrument or accessory; topics get equally many
 * items), a price tier (budget, mid-range, premium), a style (vintage, modern, minimalist, rugged),
 * a brand (three quarters of the time one of its tier's brands) and a popularity (Zipf weights,
 * exponent {@value #POPULARITY_EXPONENT}, over a random order). Title, description, brand and
 * categories are written from these attributes, so text embeddings carry them; the shipped 3-level
 * index carries them too: level a is the topic, level b the (tier, style) cell, level c numbers the
 * items of a cell.
 *
 * <p><b>Users.</b> Each user has a latent taste that lasts the whole sequence: a sparse mixture
 * over one to three topics (drawn by topic popularity, Dirichlet(1) weights, plus {@value
 * #BACKGROUND} of uniform background), a favourite tier, a favourite style and a favourite brand.
 * Within a topic an item's weight is {@code popularity^}{@value #POPULARITY_IN_TOPIC} times {@code
 * e^}{@value #TIER_BONUS} if its tier is the favourite, {@code e^}{@value #STYLE_BONUS} for the
 * style and {@code e^}{@value #BRAND_BONUS} for the brand.
 *
 * <p><b>Sequences.</b> Lengths are 5-core-like (skewed short between {@code minLength} and {@code
 * maxLength}). The first item's topic follows the user's mixture. After that the topic of the next
 * item depends on the last few items: the current topic (the last item's) continues with a
 * probability that falls with the length of its run (0.60, 0.45, then 0.15 from three items on);
 * otherwise the user switches: with 0.3 to the complement of the current topic (guitar → strap,
 * microphone → cable, ...), with 0.2 back to the topic before the current run (when there is one),
 * and otherwise to another topic of their own mixture. The item is then drawn within the topic by
 * the user's weights; with probability {@value #NOISE} instead it is any item by popularity. Items
 * already in the sequence are never drawn again (LC-Rec's data has no repeats): the distribution is
 * renormalised over the items not in the prefix. {@link TrueModel#nextItemProbabilities} gives that
 * distribution exactly, so ranking by it is the ceiling of every figure on this data.
 *
 * <p>Measured on the default (the test item of each of the 2,000 users, history items excluded;
 * {@code SyntheticDatasetTest} prints them): ranking by the true distribution HR@10 0.3995 (NDCG@10
 * 0.2240); a last-item transition count fitted on the visible part of every sequence HR@10 0.1045
 * (NDCG@10 0.0546); popularity HR@10 0.0565 (NDCG@10 0.0300). lcrec-inference's co-occurrence
 * baseline (window 3, five recent items voting) reaches HR@10 0.1275 (NDCG@10 0.0663).
 *
 * <p>Each user also gets preference texts (their dominant tier, style, topic and brand in the
 * training part of the history) and intention texts for the last training and the test item, so all
 * six LC-Rec tasks can be built.
 *
 * @param seed the random seed
 * @param users number of users
 * @param items number of items
 * @param topics number of topics (at most {@value #MAX_TOPICS})
 * @param minLength shortest sequence (LC-Rec's 5-core data: 5)
 * @param maxLength longest sequence
 */
public record SyntheticDataset(
        long seed, int users, int items, int topics, int minLength, int maxLength) {
    /** Topics that have their own vocabulary. */
    public static final int MAX_TOPICS = 16;

    /** Codes per index level; level a uses one code per topic, c numbers items in a group. */
    public static final int CODEBOOK_SIZE = 64;

    /** Zipf exponent of item popularity (Amazon 5-core data is close to 0.7-1). */
    private static final double POPULARITY_EXPONENT = 0.7;

    /** Popularity damping inside a topic, where taste rather than popularity should decide. */
    private static final double POPULARITY_IN_TOPIC = 0.5;

    /** Share of a user's topic mixture spread uniformly over all topics. */
    private static final double BACKGROUND = 0.1;

    /** Log-weight bonus of an item in the user's favourite tier (factor e^2 ≈ 7.4). */
    private static final double TIER_BONUS = 2.0;

    /** Log-weight bonus of an item in the user's favourite style (factor e^1.5 ≈ 4.5). */
    private static final double STYLE_BONUS = 1.5;

    /** Log-weight bonus of an item of the user's favourite brand (factor e ≈ 2.7). */
    private static final double BRAND_BONUS = 1.0;

    /** Probability that the current topic continues after a run of 1, 2, or 3+ of its items. */
    private static final double[] STAY = {0.60, 0.45, 0.15};

    /** Share of a topic switch that goes to the complement of the current topic. */
    private static final double COMPLEMENT = 0.3;

    /** Share of a topic switch that returns to the topic before the current run. */
    private static final double RETURN = 0.2;

    /** Probability that the next item is any item by popularity, ignoring taste and topic. */
    private static final double NOISE = 0.08;

    /** Probability that an item's brand is one of its tier's brands. */
    private static final double HOME_BRAND = 0.75;

    /** Stream tags: catalogue, texts, user tastes and sequences draw from separate streams. */
    private static final long CATALOG_STREAM = 1, TEXT_STREAM = 2, TASTE_STREAM = 3;

    private static final long SEQUENCE_STREAM = 4;

    private static final String[] NOUNS = {
        "guitar", "drum", "microphone", "amplifier", "cable", "keyboard", "violin", "speaker",
        "headphone", "pedal", "strap", "stand", "tuner", "ukulele", "string set", "mixer"
    };

    /** Complements of each topic, in order of preference (the first one present is used). */
    private static final int[][] COMPLEMENTS = {
        {10, 3, 12, 14, 9}, // guitar: strap, amplifier, tuner, string set, pedal
        {11, 8}, // drum: stand, headphone
        {4, 11, 15}, // microphone: cable, stand, mixer
        {4, 0, 9}, // amplifier: cable, guitar, pedal
        {3, 2}, // cable: amplifier, microphone
        {11, 8, 7}, // keyboard: stand, headphone, speaker
        {12, 14, 11}, // violin: tuner, string set, stand
        {4, 15}, // speaker: cable, mixer
        {5, 15, 4}, // headphone: keyboard, mixer, cable
        {4, 3}, // pedal: cable, amplifier
        {0, 13}, // strap: guitar, ukulele
        {2, 5}, // stand: microphone, keyboard
        {0, 6}, // tuner: guitar, violin
        {12, 14, 10}, // ukulele: tuner, string set, strap
        {0, 12}, // string set: guitar, tuner
        {2, 7, 4} // mixer: microphone, speaker, cable
    };

    private static final String[][] TOPIC_WORDS = {
        {"acoustic", "fretboard", "spruce top"},
        {"snare", "cymbal", "drumhead"},
        {"condenser", "cardioid", "vocal"},
        {"tube", "watt", "combo"},
        {"shielded", "jack", "braided"},
        {"weighted keys", "MIDI", "synth"},
        {"bow", "rosin", "fine tuner"},
        {"studio monitor", "woofer", "bluetooth"},
        {"over-ear", "noise isolating", "closed-back"},
        {"overdrive", "delay", "true bypass"},
        {"leather", "padded", "adjustable"},
        {"tripod", "folding", "boom arm"},
        {"chromatic", "clip-on", "LCD"},
        {"soprano", "mahogany", "nylon"},
        {"nickel wound", "light gauge", "coated"},
        {"channel", "USB interface", "faders"}
    };

    /** Words for the three price tiers (each takes the article "a"). */
    private static final String[][] TIER_WORDS = {
        {"budget", "entry-level", "student"},
        {"mid-range", "standard", "versatile"},
        {"premium", "professional", "flagship"}
    };

    private static final String[] TIER_PHRASES = {
        "an affordable choice for beginners",
        "solid value for regular players",
        "a top-of-the-line choice for professionals"
    };

    /** Price range in dollars of each tier, inclusive. */
    private static final int[][] TIER_PRICES = {{19, 99}, {100, 399}, {400, 1999}};

    private static final String[][] STYLE_WORDS = {
        {"vintage", "retro", "classic"},
        {"modern", "sleek", "contemporary"},
        {"minimalist", "understated", "clean-lined"},
        {"rugged", "road-ready", "heavy-duty"}
    };
    private static final String[] STYLE_PHRASES = {
        "with a retro finish",
        "with a sleek modern look",
        "with a clean, minimal design",
        "built tough for the road"
    };

    /** Level-b groups: one per (tier, style) cell. */
    private static final int GROUPS = TIER_WORDS.length * STYLE_WORDS.length;

    private static final String[] MATERIALS = {
        "maple", "steel", "aluminium", "rosewood", "carbon", "walnut", "brass", "polymer"
    };

    /** Brands; brands 0-2 belong to the budget tier, 3-6 to mid-range, 7-9 to premium. */
    private static final String[] BRANDS = {
        "Aldor", "Brisk", "Corvane", "Delmont", "Estrel", "Fenwick", "Gavotte", "Harlan", "Ivers",
        "Jorvik"
    };

    private static final int[] TIER_FIRST_BRAND = {0, 3, 7, 10};
    private static final String[] USES = {
        "live shows", "home recording", "practice", "touring", "teaching", "studio sessions"
    };

    /** Validates the configuration. */
    public SyntheticDataset {
        if (users < 1 || items < 2) {
            throw new IllegalArgumentException(
                    "synthetic dataset needs users >= 1 and items >= 2, found users="
                            + users
                            + ", items="
                            + items);
        }
        if (topics < 1 || topics > MAX_TOPICS || topics > items) {
            throw new IllegalArgumentException(
                    "topics must be in [1, min(" + MAX_TOPICS + ", items)], found " + topics);
        }
        if (minLength < 2 || maxLength < minLength || maxLength > items) {
            throw new IllegalArgumentException(
                    "sequence lengths must satisfy 2 <= minLength <= maxLength <= items, found "
                            + minLength
                            + ".."
                            + maxLength);
        }
        if ((items + topics - 1) / topics > GROUPS * CODEBOOK_SIZE) {
            throw new IllegalArgumentException(
                    "too many items per topic for a 3-level index of "
                            + CODEBOOK_SIZE
                            + " codes: "
                            + items
                            + " items in "
                            + topics
                            + " topics");
        }
    }

    /**
     * @return the default: seed 42, 2,000 users, 600 items, 12 topics, lengths 5 to 20
     */
    public static SyntheticDataset defaults() {
        return new SyntheticDataset(42, 2000, 600, 12, 5, 20);
    }

    /**
     * @param newSeed a seed
     * @return this configuration with another seed
     */
    public SyntheticDataset withSeed(long newSeed) {
        return new SyntheticDataset(newSeed, users, items, topics, minLength, maxLength);
    }

    /**
     * @param newUsers number of users
     * @param newItems number of items
     * @return this configuration with another size
     */
    public SyntheticDataset withSize(int newUsers, int newItems) {
        return new SyntheticDataset(
                seed,
                newUsers,
                newItems,
                Math.min(topics, newItems),
                minLength,
                Math.min(maxLength, newItems));
    }

    /**
     * The generating process of this configuration: item attributes, users' latent tastes and the
     * next-item distribution the sequences of {@link #generate()} were sampled from.
     *
     * @return the true model (it holds each item's attributes and each user's taste; building it
     *     draws no sequence)
     */
    public TrueModel trueModel() {
        return new TrueModel(this);
    }

    /**
     * @return the dataset, named {@code Synthetic}; user id {@code "u"} is row u, the row {@link
     *     TrueModel#nextItemProbabilities} takes
     */
    public Dataset generate() {
        TrueModel model = trueModel();
        List<Item> catalog = catalog(model);
        Map<Integer, SemanticId> index = index(model);
        Interactions.Builder inter = Interactions.builder();
        Map<String, List<String>> prefs = new LinkedHashMap<>();
        Map<String, UserProfiles.Intention> trainIntent = new LinkedHashMap<>();
        Map<String, UserProfiles.Intention> testIntent = new LinkedHashMap<>();
        double[] weights = new double[items];
        double[] topicMass = new double[topics];
        double[] topicP = new double[topics];
        double[] next = new double[items];
        for (int u = 0; u < users; u++) {
            SplittableRandom rng = stream(SEQUENCE_STREAM, u);
            // lengths skew short, as in 5-core Amazon data
            double x = rng.nextDouble();
            int len = minLength + (int) Math.floor((maxLength - minLength + 1) * x * x * x);
            len = Math.min(len, maxLength);
            int[] s = new int[len];
            Taste taste = model.tastes[u];
            model.userWeights(taste, weights, topicMass);
            for (int p = 0; p < len; p++) {
                model.topicProbabilities(taste, s, p, topicP);
                model.itemProbabilities(topicP, weights, topicMass, s, p, next);
                s[p] = draw(next, rng.nextDouble());
            }
            String user = Integer.toString(u);
            inter.add(user, s);
            prefs.put(user, preferences(model, s));
            if (len >= 4) {
                trainIntent.put(user, intention(model, s, len - 3));
            }
            testIntent.put(user, intention(model, s, len - 1));
        }
        return new Dataset(
                "Synthetic",
                ItemCatalog.of(catalog),
                inter.build(),
                SemanticIndex.of(index),
                new UserProfiles(prefs, trainIntent, testIntent),
                null);
    }

    /** Texts written from each item's attributes, plus decoration drawn from their own stream. */
    private List<Item> catalog(TrueModel m) {
        SplittableRandom rng = stream(TEXT_STREAM, 0);
        List<Item> catalog = new ArrayList<>(items);
        for (int i = 0; i < items; i++) {
            int t = m.topicOf[i];
            int tier = m.tierOf[i];
            int style = m.styleOf[i];
            String noun = NOUNS[t];
            String[] words = TOPIC_WORDS[t];
            String tierWord = TIER_WORDS[tier][m.tierWordOf[i]];
            String styleWord = STYLE_WORDS[style][m.styleWordOf[i]];
            int[] price = TIER_PRICES[tier];
            String title =
                    String.format(
                            Locale.ROOT,
                            "%s %s %s %s %s-%d",
                            BRANDS[m.brandOf[i]],
                            cap(styleWord),
                            cap(tierWord),
                            cap(noun),
                            Character.toUpperCase(noun.charAt(0)),
                            100 + rng.nextInt(900));
            String complement = NOUNS[m.complementOf[t]];
            // two different topic words
            int w1 = rng.nextInt(words.length);
            int w2 = (w1 + 1 + rng.nextInt(words.length - 1)) % words.length;
            String description =
                    String.format(
                            Locale.ROOT,
                            "A %s %s %s made of %s, built for %s: %s, %s. Features %s and %s;"
                                    + " pairs well with %s %s. Priced at $%d.",
                            tierWord,
                            styleWord,
                            noun,
                            MATERIALS[m.materialOf[i]],
                            USES[m.useOf[i]],
                            TIER_PHRASES[tier],
                            STYLE_PHRASES[style],
                            words[w1],
                            words[w2],
                            article(complement),
                            complement,
                            price[0] + rng.nextInt(price[1] - price[0] + 1));
            catalog.add(
                    new Item(
                            i,
                            title,
                            description,
                            BRANDS[m.brandOf[i]],
                            "Musical Instruments, " + cap(noun) + "s"));
        }
        return catalog;
    }

    /**
     * The shipped index: a = the topic's code, b = the (tier, style) cell's code, c = the item's
     * number in its cell. Collision-free by construction: a full cell (64 items) spills into the
     * next cell of the topic, and the constructor guarantees that a topic fits into its cells.
     */
    private Map<Integer, SemanticId> index(TrueModel m) {
        SplittableRandom rng = stream(CATALOG_STREAM, 1);
        // shuffled codes so that code numbers carry no order
        int[] topicCode = shuffledRange(rng, CODEBOOK_SIZE);
        int[] cellCode = shuffledRange(rng, GROUPS);
        Map<Integer, SemanticId> index = new LinkedHashMap<>();
        Map<Integer, Integer> fill = new HashMap<>();
        for (int i = 0; i < items; i++) {
            int t = m.topicOf[i];
            int b = m.tierOf[i] * STYLE_WORDS.length + m.styleOf[i];
            int c = fill.merge(t * GROUPS + b, 1, Integer::sum) - 1;
            while (c >= CODEBOOK_SIZE) {
                b = (b + 1) % GROUPS;
                c = fill.merge(t * GROUPS + b, 1, Integer::sum) - 1;
            }
            index.put(i, SemanticId.of(topicCode[t], cellCode[b], c));
        }
        return index;
    }

    /**
     * Three texts as LC-Rec keeps them (general, long-term, short-term), from the training part of
     * the history only (the last two items are validation and test targets).
     */
    private List<String> preferences(TrueModel m, int[] s) {
        int len = s.length;
        int to = Math.max(1, len - 3);
        int tier = dominant(s, 0, to, m.tierOf, TIER_WORDS.length);
        int style = dominant(s, 0, to, m.styleOf, STYLE_WORDS.length);
        int favourite = dominant(s, 0, to, m.topicOf, topics);
        int brand = dominant(s, 0, to, m.brandOf, BRANDS.length);
        int recent = dominant(s, Math.max(0, len - 5), to, m.topicOf, topics);
        int last = s[Math.max(0, len - 4)];
        return List.of(
                String.format(
                        Locale.ROOT,
                        "The user plays and records music and prefers %s %s equipment.",
                        TIER_WORDS[tier][0],
                        STYLE_WORDS[style][0]),
                String.format(
                        Locale.ROOT,
                        "Over time the user has mostly bought %ss, often from %s.",
                        NOUNS[favourite],
                        BRANDS[brand]),
                String.format(
                        Locale.ROOT,
                        "Lately the user has been looking at %ss for %s.",
                        NOUNS[recent],
                        USES[m.useOf[last]]));
    }

    private static UserProfiles.Intention intention(TrueModel m, int[] s, int pos) {
        int target = s[pos];
        String noun = NOUNS[m.topicOf[target]];
        String tierWord = TIER_WORDS[m.tierOf[target]][m.tierWordOf[target]];
        String material = MATERIALS[m.materialOf[target]];
        return new UserProfiles.Intention(
                target,
                Arrays.copyOf(s, pos),
                List.of(
                        String.format(
                                Locale.ROOT,
                                "I need a %s %s %s for %s.",
                                tierWord,
                                STYLE_WORDS[m.styleOf[target]][m.styleWordOf[target]],
                                noun,
                                USES[m.useOf[target]]),
                        String.format(
                                Locale.ROOT,
                                "%s %s %s from %s.",
                                cap(article(material)),
                                material,
                                noun,
                                BRANDS[m.brandOf[target]])));
    }

    /** The most frequent value of {@code attribute} over {@code s[from, to)}; ties: first seen. */
    private static int dominant(int[] s, int from, int to, int[] attribute, int size) {
        int[] count = new int[size];
        int best = attribute[s[from]];
        for (int i = from; i < to && i < s.length; i++) {
            int a = attribute[s[i]];
            if (++count[a] > count[best]) {
                best = a;
            }
        }
        return best;
    }

    /**
     * Inverse-CDF draw from a distribution over items (in id order); rounding at the top end falls
     * back to the last item of positive probability.
     */
    private static int draw(double[] p, double u) {
        double c = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                c += p[i];
                last = i;
                if (u < c) {
                    return i;
                }
            }
        }
        return last;
    }

    /** Draws an index with probability proportional to {@code w} (non-negative, not all zero). */
    private static int drawWeighted(double[] w, double u) {
        double total = 0;
        for (double x : w) {
            total += x;
        }
        double c = 0;
        int last = -1;
        for (int i = 0; i < w.length; i++) {
            if (w[i] > 0) {
                c += w[i] / total;
                last = i;
                if (u < c) {
                    return i;
                }
            }
        }
        return last;
    }

    /**
     * An independent random stream per (purpose, number): SplitMix64's finaliser over the seed, the
     * stream tag and the number, so user u's taste can be recomputed without replaying users before
     * it.
     */
    private SplittableRandom stream(long tag, long number) {
        return new SplittableRandom(mix64(mix64(seed ^ mix64(tag)) + number));
    }

    /** SplitMix64's output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static int[] shuffledRange(SplittableRandom rng, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        shuffle(rng, a);
        return a;
    }

    private static void shuffle(SplittableRandom rng, int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    /**
     * A user's latent taste, fixed for the whole sequence.
     *
     * @param topicWeights the topic mixture (sums to 1)
     * @param tier the favourite price tier
     * @param style the favourite style
     * @param brand the favourite brand
     */
    private record Taste(double[] topicWeights, int tier, int style, int brand) {}

    /**
     * The process behind a {@link SyntheticDataset}: item attributes, every user's latent taste and
     * the exact distribution each next item was drawn from. Ranking by {@link
     * #nextItemProbabilities} is the best any recommender can do on this data in expectation (it
     * knows the latent taste, which a model has to infer from the history), so it is the ceiling of
     * every figure measured on it.
     *
     * @implNote Immutable and thread-safe. One call costs O(items + prefix length) time and
     *     allocates a few arrays of {@code items} entries.
     */
    public static final class TrueModel {
        private final SyntheticDataset config;
        private final int[] topicOf;
        private final int[] tierOf;
        private final int[] styleOf;
        private final int[] brandOf;
        private final int[] materialOf;
        private final int[] useOf;
        private final int[] tierWordOf;
        private final int[] styleWordOf;
        private final int[] complementOf;

        /** Item popularity, normalised to sum 1. */
        private final double[] popularity;

        /** popularity^POPULARITY_IN_TOPIC: the taste-free part of an item's weight in its topic. */
        private final double[] basis;

        /** Taste factor by match mask (bit 0 tier, bit 1 style, bit 2 brand). */
        private final double[] matchFactor = new double[8];

        private final Taste[] tastes;

        private TrueModel(SyntheticDataset c) {
            this.config = c;
            int n = c.items;
            SplittableRandom rng = c.stream(CATALOG_STREAM, 0);
            // topics get equally many items (up to one), in random order
            topicOf = new int[n];
            for (int i = 0; i < n; i++) {
                topicOf[i] = i % c.topics;
            }
            shuffle(rng, topicOf);
            tierOf = new int[n];
            styleOf = new int[n];
            brandOf = new int[n];
            materialOf = new int[n];
            useOf = new int[n];
            tierWordOf = new int[n];
            styleWordOf = new int[n];
            for (int i = 0; i < n; i++) {
                tierOf[i] = rng.nextInt(TIER_WORDS.length);
                styleOf[i] = rng.nextInt(STYLE_WORDS.length);
                brandOf[i] =
                        rng.nextDouble() < HOME_BRAND
                                ? homeBrand(tierOf[i], rng)
                                : rng.nextInt(BRANDS.length);
                materialOf[i] = rng.nextInt(MATERIALS.length);
                useOf[i] = rng.nextInt(USES.length);
                tierWordOf[i] = rng.nextInt(TIER_WORDS[0].length);
                styleWordOf[i] = rng.nextInt(STYLE_WORDS[0].length);
            }
            complementOf = new int[c.topics];
            for (int t = 0; t < c.topics; t++) {
                complementOf[t] = c.topics == 1 ? t : (t + 1) % c.topics;
                for (int k : COMPLEMENTS[t]) {
                    if (k < c.topics) {
                        complementOf[t] = k;
                        break;
                    }
                }
            }
            popularity = zipf(shuffledRange(rng, n));
            basis = new double[n];
            for (int i = 0; i < n; i++) {
                basis[i] = StrictMath.pow(popularity[i], POPULARITY_IN_TOPIC);
            }
            for (int mask = 0; mask < 8; mask++) {
                matchFactor[mask] =
                        StrictMath.exp(
                                ((mask & 1) != 0 ? TIER_BONUS : 0)
                                        + ((mask & 2) != 0 ? STYLE_BONUS : 0)
                                        + ((mask & 4) != 0 ? BRAND_BONUS : 0));
            }
            // topics differ in popularity too: users pick favourite topics by these weights
            double[] topicWeight = zipf(shuffledRange(rng, c.topics));
            tastes = new Taste[c.users];
            for (int u = 0; u < c.users; u++) {
                tastes[u] = taste(c.stream(TASTE_STREAM, u), topicWeight);
            }
        }

        private Taste taste(SplittableRandom rng, double[] topicWeight) {
            int k = config.topics;
            double r = rng.nextDouble();
            int favourites = Math.min(k, r < 0.25 ? 1 : r < 0.75 ? 2 : 3);
            double[] available = topicWeight.clone();
            double[] sparse = new double[k];
            double sum = 0;
            for (int j = 0; j < favourites; j++) {
                int t = drawWeighted(available, rng.nextDouble());
                available[t] = 0;
                // exponential draws normalised: Dirichlet(1, ..., 1) weights
                sparse[t] = -StrictMath.log(1 - rng.nextDouble());
                sum += sparse[t];
            }
            double[] theta = new double[k];
            for (int t = 0; t < k; t++) {
                theta[t] = (1 - BACKGROUND) * sparse[t] / sum + BACKGROUND / k;
            }
            int tier = rng.nextInt(TIER_WORDS.length);
            int style = rng.nextInt(STYLE_WORDS.length);
            int brand =
                    rng.nextDouble() < HOME_BRAND
                            ? homeBrand(tier, rng)
                            : rng.nextInt(BRANDS.length);
            return new Taste(theta, tier, style, brand);
        }

        private static int homeBrand(int tier, SplittableRandom rng) {
            int from = TIER_FIRST_BRAND[tier];
            return from + rng.nextInt(TIER_FIRST_BRAND[tier + 1] - from);
        }

        /** Zipf weights 1 / (rank + 1)^POPULARITY_EXPONENT by the given order, summing to 1. */
        private static double[] zipf(int[] order) {
            double[] w = new double[order.length];
            double total = 0;
            for (int r = 0; r < order.length; r++) {
                w[order[r]] = 1 / StrictMath.pow(r + 1, POPULARITY_EXPONENT);
                total += w[order[r]];
            }
            for (int i = 0; i < w.length; i++) {
                w[i] /= total;
            }
            return w;
        }

        /**
         * @return the configuration this model belongs to
         */
        public SyntheticDataset config() {
            return config;
        }

        /**
         * The distribution the generator drew the next item from, for user row {@code userRow}
         * (user id {@code "userRow"}) after the items of {@code prefix}. Leave-one-out: for the
         * test item, {@code prefix} is the whole sequence but its last item; for the validation
         * item, all but the last two.
         *
         * <p>It is the mixture described in {@link SyntheticDataset} (topic from the last items and
         * the user's mixture, item from the user's taste, popularity noise), set to zero on the
         * items of {@code prefix} and renormalised over the remaining items: the generator never
         * repeats an item within a sequence. Because of that renormalisation, {@code prefix} must
         * be the full prefix of the sequence, not a history cut to its most recent items (with the
         * default lengths, at most 20, LC-Rec's cap of 20 never cuts a test history).
         *
         * @param userRow the user's row, in {@code [0, users)}
         * @param prefix the items before the one to predict, in order, from the first one on
         * @return a fresh array indexed by item id, summing to 1 (up to rounding), zero exactly on
         *     the prefix items and positive elsewhere
         * @throws IllegalArgumentException if the row is out of range, or the prefix names an
         *     unknown item, repeats an item or leaves no item to draw
         */
        public double[] nextItemProbabilities(int userRow, int[] prefix) {
            if (userRow < 0 || userRow >= config.users) {
                throw new IllegalArgumentException(
                        "synthetic true model: expected a user row in [0, "
                                + config.users
                                + "), found "
                                + userRow);
            }
            boolean[] seen = new boolean[config.items];
            for (int p = 0; p < prefix.length; p++) {
                int i = prefix[p];
                if (i < 0 || i >= config.items) {
                    throw new IllegalArgumentException(
                            "synthetic true model: prefix position "
                                    + p
                                    + ": expected an item in [0, "
                                    + config.items
                                    + "), found "
                                    + i);
                }
                if (seen[i]) {
                    throw new IllegalArgumentException(
                            "synthetic true model: prefix position "
                                    + p
                                    + ": item "
                                    + i
                                    + " repeats (generated sequences have no repeats)");
                }
                seen[i] = true;
            }
            if (prefix.length >= config.items) {
                throw new IllegalArgumentException(
                        "synthetic true model: the prefix holds all "
                                + config.items
                                + " items, none is left to draw");
            }
            Taste taste = tastes[userRow];
            double[] weights = new double[config.items];
            double[] topicMass = new double[config.topics];
            double[] topicP = new double[config.topics];
            double[] out = new double[config.items];
            userWeights(taste, weights, topicMass);
            topicProbabilities(taste, prefix, prefix.length, topicP);
            itemProbabilities(topicP, weights, topicMass, prefix, prefix.length, out);
            return out;
        }

        /** The user's weight of each item inside its topic, and their sum per topic. */
        private void userWeights(Taste taste, double[] weights, double[] topicMass) {
            Arrays.fill(topicMass, 0);
            for (int i = 0; i < weights.length; i++) {
                int mask =
                        (tierOf[i] == taste.tier ? 1 : 0)
                                | (styleOf[i] == taste.style ? 2 : 0)
                                | (brandOf[i] == taste.brand ? 4 : 0);
                weights[i] = basis[i] * matchFactor[mask];
                topicMass[topicOf[i]] += weights[i];
            }
        }

        /** The next item's topic distribution after {@code s[0, n)} (see the class comment). */
        private void topicProbabilities(Taste taste, int[] s, int n, double[] out) {
            double[] theta = taste.topicWeights;
            if (n == 0) {
                System.arraycopy(theta, 0, out, 0, out.length);
                return;
            }
            Arrays.fill(out, 0);
            int current = topicOf[s[n - 1]];
            int run = 1;
            while (run < n && topicOf[s[n - 1 - run]] == current) {
                run++;
            }
            double stay = STAY[Math.min(run, STAY.length) - 1];
            double leave = 1 - stay;
            out[current] += stay;
            double toMixture = leave * (1 - COMPLEMENT - RETURN);
            int complement = complementOf[current];
            if (complement != current) {
                out[complement] += leave * COMPLEMENT;
            } else {
                toMixture += leave * COMPLEMENT;
            }
            if (run < n) {
                out[topicOf[s[n - 1 - run]]] += leave * RETURN;
            } else {
                toMixture += leave * RETURN;
            }
            // the user's own mixture without the current topic (all of it with a single topic)
            double others = 1 - theta[current];
            if (out.length == 1 || others <= 0) {
                out[current] += toMixture;
            } else {
                for (int t = 0; t < out.length; t++) {
                    if (t != current) {
                        out[t] += toMixture * theta[t] / others;
                    }
                }
            }
        }

        /**
         * Mixes topic choice (times the user's weight within the topic) with popularity noise, sets
         * the prefix items to zero and renormalises.
         */
        private void itemProbabilities(
                double[] topicP,
                double[] weights,
                double[] topicMass,
                int[] s,
                int n,
                double[] out) {
            for (int i = 0; i < out.length; i++) {
                int t = topicOf[i];
                out[i] =
                        (1 - NOISE) * topicP[t] * weights[i] / topicMass[t] + NOISE * popularity[i];
            }
            for (int p = 0; p < n; p++) {
                out[s[p]] = 0;
            }
            double total = 0;
            for (double x : out) {
                total += x;
            }
            for (int i = 0; i < out.length; i++) {
                out[i] /= total;
            }
        }

        @Override
        public String toString() {
            return "TrueModel(" + config + ")";
        }
    }
}
