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
 * A seeded generator of small, learnable recommendation datasets: the embedded default of every
 * command and the fixture of many tests. Same configuration → identical dataset (and identical
 * bytes when written).
 *
 * <p>Each item belongs to one of {@code topics} latent topics, which shapes its title and
 * description (a topic noun, topic words) and its index (level a is the topic's code). Users walk
 * through items: after an item comes, with probability 0.55, its successor in the topic (a fixed
 * order, so sequences are predictable), with 0.25 another item of the same topic, with 0.12 an item
 * of a related topic and otherwise a popular item. Each user also gets preference and intention
 * texts derived from their history, so all six LC-Rec tasks can be built.
 *
 * @param seed the random seed
 * @param users number of users
 * @param items number of items
 * @param topics number of latent topics (at most {@value #MAX_TOPICS})
 * @param minLength shortest sequence (LC-Rec's 5-core data: 5)
 * @param maxLength longest sequence
 */
public record SyntheticDataset(
        long seed, int users, int items, int topics, int minLength, int maxLength) {
    /** Topics that have their own vocabulary. */
    public static final int MAX_TOPICS = 16;

    /** Codes per index level; level a uses one code per topic, c numbers items in a group. */
    public static final int CODEBOOK_SIZE = 64;

    /** Sub-groups per topic at index level b. */
    private static final int GROUPS = 8;

    private static final String[] NOUNS = {
        "guitar", "drum", "microphone", "amplifier", "cable", "keyboard", "violin", "speaker",
        "headphone", "pedal", "strap", "stand", "tuner", "ukulele", "string set", "mixer"
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
    private static final String[] ADJECTIVES = {
        "compact",
        "vintage",
        "professional",
        "lightweight",
        "heavy-duty",
        "classic",
        "premium",
        "portable"
    };
    private static final String[] MATERIALS = {
        "maple", "steel", "aluminium", "rosewood", "carbon", "walnut", "brass", "polymer"
    };
    private static final String[] BRANDS = {
        "Aldor", "Brisk", "Corvane", "Delmont", "Estrel", "Fenwick", "Gavotte", "Harlan", "Ivers",
        "Jorvik"
    };
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
        if ((long) topics * GROUPS * CODEBOOK_SIZE < items
                || (items + topics - 1) / topics > GROUPS * CODEBOOK_SIZE) {
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
     * @return the dataset, named {@code Synthetic}
     */
    public Dataset generate() {
        SplittableRandom rng = new SplittableRandom(seed);
        // topics get shuffled index codes so that code numbers carry no order
        int[] topicCode = shuffledRange(rng, CODEBOOK_SIZE);
        int[] topicOf = new int[items];
        List<List<Integer>> byTopic = new ArrayList<>();
        for (int t = 0; t < topics; t++) {
            byTopic.add(new ArrayList<>());
        }
        List<Item> catalog = new ArrayList<>(items);
        Map<Integer, SemanticId> index = new LinkedHashMap<>();
        Map<Long, Integer> groupFill = new HashMap<>();
        int[] adjOf = new int[items];
        int[] brandOf = new int[items];
        int[] materialOf = new int[items];
        int[] useOf = new int[items];
        for (int i = 0; i < items; i++) {
            int t = rng.nextInt(topics);
            topicOf[i] = t;
            byTopic.get(t).add(i);
            adjOf[i] = rng.nextInt(ADJECTIVES.length);
            brandOf[i] = rng.nextInt(BRANDS.length);
            materialOf[i] = rng.nextInt(MATERIALS.length);
            useOf[i] = rng.nextInt(USES.length);
            String noun = NOUNS[t];
            String[] words = TOPIC_WORDS[t];
            String title =
                    String.format(
                            Locale.ROOT,
                            "%s %s %s %s %s-%d",
                            BRANDS[brandOf[i]],
                            cap(ADJECTIVES[adjOf[i]]),
                            cap(MATERIALS[materialOf[i]]),
                            cap(noun),
                            Character.toUpperCase(noun.charAt(0)),
                            100 + rng.nextInt(900));
            String description =
                    String.format(
                            Locale.ROOT,
                            "A %s %s made of %s, built for %s. Features %s and %s; pairs well with %s"
                                    + " gear.",
                            ADJECTIVES[adjOf[i]],
                            noun,
                            MATERIALS[materialOf[i]],
                            USES[useOf[i]],
                            words[rng.nextInt(words.length)],
                            words[rng.nextInt(words.length)],
                            NOUNS[related(t, 1)]);
            catalog.add(
                    new Item(
                            i,
                            title,
                            description,
                            BRANDS[brandOf[i]],
                            "Musical Instruments, " + cap(noun) + "s"));
            // index: a = topic code, b = sub-group (by adjective), c = running number in the group
            int b = adjOf[i] % GROUPS;
            long key = (long) t * GROUPS + b;
            int c = groupFill.merge(key, 1, Integer::sum) - 1;
            int bb = b;
            while (c >= CODEBOOK_SIZE) { // group full: spill into the next sub-group
                bb = (bb + 1) % GROUPS;
                c = groupFill.merge((long) t * GROUPS + bb, 1, Integer::sum) - 1;
            }
            index.put(i, SemanticId.of(topicCode[t], bb, c));
        }
        // per-item popularity (Zipf-like weights over a random order)
        double[] popularity = new double[items];
        int[] order = shuffledRange(rng, items);
        double total = 0;
        for (int r = 0; r < items; r++) {
            popularity[order[r]] = 1.0 / Math.pow(r + 1, 0.8);
            total += popularity[order[r]];
        }
        double[] cumulative = new double[items];
        double acc = 0;
        for (int i = 0; i < items; i++) {
            acc += popularity[i] / total;
            cumulative[i] = acc;
        }
        Interactions.Builder inter = Interactions.builder();
        Map<String, List<String>> prefs = new LinkedHashMap<>();
        Map<String, UserProfiles.Intention> trainIntent = new LinkedHashMap<>();
        Map<String, UserProfiles.Intention> testIntent = new LinkedHashMap<>();
        int[] seq = new int[maxLength];
        boolean[] used = new boolean[items];
        for (int u = 0; u < users; u++) {
            // lengths skew short, as in 5-core Amazon data
            double x = rng.nextDouble();
            int len = minLength + (int) Math.floor((maxLength - minLength + 1) * x * x * x);
            len = Math.min(len, maxLength);
            int cur = sample(cumulative, rng.nextDouble());
            for (int p = 0; p < len; p++) {
                if (p > 0) {
                    cur = step(rng, cur, topicOf, byTopic, cumulative, used);
                }
                seq[p] = cur;
                used[cur] = true;
            }
            for (int p = 0; p < len; p++) {
                used[seq[p]] = false;
            }
            String user = Integer.toString(u);
            int[] s = Arrays.copyOf(seq, len);
            inter.add(user, s);
            int favourite = dominantTopic(s, 0, Math.max(1, len - 3), topicOf);
            int recent = dominantTopic(s, Math.max(0, len - 5), Math.max(1, len - 3), topicOf);
            int last = s[Math.max(0, len - 4)];
            prefs.put(
                    user,
                    List.of(
                            String.format(
                                    Locale.ROOT,
                                    "The user plays and records music and values %s equipment.",
                                    ADJECTIVES[adjOf[last]]),
                            String.format(
                                    Locale.ROOT,
                                    "Over time the user has mostly bought %ss, often from %s.",
                                    NOUNS[favourite],
                                    BRANDS[brandOf[last]]),
                            String.format(
                                    Locale.ROOT,
                                    "Lately the user has been looking at %ss for %s.",
                                    NOUNS[recent],
                                    USES[useOf[last]])));
            if (len >= 4) {
                trainIntent.put(
                        user, intention(s, len - 3, topicOf, adjOf, materialOf, brandOf, useOf));
            }
            testIntent.put(user, intention(s, len - 1, topicOf, adjOf, materialOf, brandOf, useOf));
        }
        return new Dataset(
                "Synthetic",
                ItemCatalog.of(catalog),
                inter.build(),
                SemanticIndex.of(index),
                new UserProfiles(prefs, trainIntent, testIntent),
                null);
    }

    private static UserProfiles.Intention intention(
            int[] s,
            int pos,
            int[] topicOf,
            int[] adjOf,
            int[] materialOf,
            int[] brandOf,
            int[] useOf) {
        int target = s[pos];
        String noun = NOUNS[topicOf[target]];
        return new UserProfiles.Intention(
                target,
                Arrays.copyOf(s, pos),
                List.of(
                        String.format(
                                Locale.ROOT,
                                "I need a %s %s for %s.",
                                ADJECTIVES[adjOf[target]],
                                noun,
                                USES[useOf[target]]),
                        String.format(
                                Locale.ROOT,
                                "A %s %s from %s.",
                                MATERIALS[materialOf[target]],
                                noun,
                                BRANDS[brandOf[target]])));
    }

    private int step(
            SplittableRandom rng,
            int cur,
            int[] topicOf,
            List<List<Integer>> byTopic,
            double[] cumulative,
            boolean[] used) {
        for (int attempt = 0; attempt < 20; attempt++) {
            double r = rng.nextDouble();
            List<Integer> same = byTopic.get(topicOf[cur]);
            int next;
            if (r < 0.55) {
                next = same.get((same.indexOf(cur) + 1) % same.size());
            } else if (r < 0.80) {
                next = same.get(rng.nextInt(same.size()));
            } else if (r < 0.92) {
                List<Integer> rel = byTopic.get(related(topicOf[cur], 1 + rng.nextInt(2)));
                next = rel.isEmpty() ? cur : rel.get(rng.nextInt(rel.size()));
            } else {
                next = sample(cumulative, rng.nextDouble());
            }
            if (!used[next]) {
                return next;
            }
            cur = attempt % 3 == 2 ? next : cur;
        }
        int start = rng.nextInt(used.length);
        for (int k = 0; k < used.length; k++) {
            int i = (start + k) % used.length;
            if (!used[i]) {
                return i;
            }
        }
        throw new IllegalStateException("no unused item left");
    }

    private int related(int topic, int k) {
        return (topic + (k == 1 ? 1 : 3)) % topics;
    }

    private static int dominantTopic(int[] s, int from, int to, int[] topicOf) {
        int[] count = new int[MAX_TOPICS];
        int best = topicOf[s[from]];
        for (int i = from; i < to && i < s.length; i++) {
            int t = topicOf[s[i]];
            if (++count[t] > count[best]) {
                best = t;
            }
        }
        return best;
    }

    private static int sample(double[] cumulative, double u) {
        int i = Arrays.binarySearch(cumulative, u);
        i = i < 0 ? -i - 1 : i;
        return Math.min(i, cumulative.length - 1);
    }

    private static int[] shuffledRange(SplittableRandom rng, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
