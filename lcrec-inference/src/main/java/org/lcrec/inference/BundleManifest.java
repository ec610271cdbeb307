package org.lcrec.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ModelBundle} says about itself ({@value ModelBundle#MANIFEST}): the format and SDK
 * versions, the data it was trained on, how it was trained, how it is meant to be decoded, and the
 * metrics it reached.
 *
 * @param formatVersion the bundle format ({@value ModelBundle#FORMAT_VERSION})
 * @param sdkVersion the SDK version that wrote it
 * @param created when it was written (ISO-8601 instant)
 * @param dataset the dataset's name
 * @param datasetFingerprint a content fingerprint of the interactions and the index it was trained
 *     on ({@code sha256:...}), so a bundle can be matched to its data
 * @param decoding how the model is meant to be decoded
 * @param training the training settings (names and values as the trainer reports them)
 * @param metrics per split ({@code validation}, {@code test}), metric name → value
 */
public record BundleManifest(
        int formatVersion,
        String sdkVersion,
        String created,
        String dataset,
        String datasetFingerprint,
        Decoding decoding,
        Map<String, Object> training,
        Map<String, Map<String, Double>> metrics) {

    /** Validates and freezes the maps (deeply: a manifest is shared by every reader). */
    public BundleManifest {
        Objects.requireNonNull(sdkVersion, "sdkVersion");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(datasetFingerprint, "datasetFingerprint");
        Objects.requireNonNull(decoding, "decoding");
        training = freezeMap(Objects.requireNonNull(training, "training"));
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        Objects.requireNonNull(metrics, "metrics")
                .forEach(
                        (split, values) ->
                                m.put(
                                        split,
                                        Collections.unmodifiableMap(new LinkedHashMap<>(values))));
        metrics = Collections.unmodifiableMap(m);
    }

    /**
     * How the bundled model is decoded: the defaults {@link Recommender#open(java.nio.file.Path)}
     * uses.
     *
     * @param beams beams per prompt
     * @param eosStep whether a terminal EOS step is scored (false for models trained without an EOS
     *     after the item)
     * @param maxHistory most recent history items in a prompt, as in training (0: all)
     * @param excludeHistory whether history items are barred from the recommendations
     */
    public record Decoding(int beams, boolean eosStep, int maxHistory, boolean excludeHistory) {
        /** Validates. */
        public Decoding {
            if (beams < 1) {
                throw new IllegalArgumentException("beams must be >= 1, found " + beams);
            }
            if (maxHistory < 0) {
                throw new IllegalArgumentException("maxHistory must be >= 0, found " + maxHistory);
            }
        }
    }

    /**
     * @param split the split ({@code validation}, {@code test})
     * @param values metric name → value
     * @return a copy with those metrics for that split (replacing earlier ones)
     */
    public BundleManifest withMetrics(String split, Map<String, Double> values) {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>(metrics);
        m.put(split, values);
        return new BundleManifest(
                formatVersion,
                sdkVersion,
                created,
                dataset,
                datasetFingerprint,
                decoding,
                training,
                m);
    }

    @SuppressWarnings("unchecked")
    private static Object freeze(Object v) {
        if (v instanceof Map<?, ?> map) {
            return freezeMap((Map<String, Object>) map);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object x : list) {
                out.add(freeze(x));
            }
            return Collections.unmodifiableList(out);
        }
        return v;
    }

    private static Map<String, Object> freezeMap(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, freeze(v)));
        return Collections.unmodifiableMap(out);
    }
}
