package org.lcrec.onnx;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named float parameters in direct buffers, in declaration order, with seeded initialisation and
 * safetensors I/O (Hugging Face names kept as they are).
 */
public final class ParameterStore {
    private final Map<String, Parameter> params = new LinkedHashMap<>();

    /** An empty store. */
    public ParameterStore() {}

    /** A store for the given specs, each initialised from {@code seed} and its own name. */
    public static ParameterStore initialize(Collection<ParameterSpec> specs, long seed) {
        ParameterStore s = new ParameterStore();
        for (ParameterSpec p : specs) {
            s.addInitialized(p, seed);
        }
        return s;
    }

    /**
     * Adds a parameter for {@code spec}, filled by its initialiser from {@code seed} and its name
     * (the values {@link #initialize} gives it, whatever else the store holds).
     */
    public Parameter addInitialized(ParameterSpec spec, long seed) {
        Parameter par = add(spec.name(), spec.shape(), spec.trainable(), spec.decay());
        spec.init().fill(par.data(), spec.shape(), Init.rngFor(seed, spec.name()));
        return par;
    }

    /**
     * Adds a parameter for {@code spec} that shares memory with {@code source}: its values are
     * {@code source}'s elements from {@code fromElement} on, not a copy (a write to either shows in
     * both). For frozen weights that a training graph takes unchanged from a loaded model, so that
     * a large model is held once.
     *
     * @throws IllegalArgumentException if the range leaves {@code source}
     */
    public Parameter addView(ParameterSpec spec, Parameter source, long fromElement) {
        if (params.containsKey(spec.name())) {
            throw new IllegalArgumentException("parameter '" + spec.name() + "' already exists");
        }
        Parameter p = Parameter.view(spec, source, fromElement);
        params.put(spec.name(), p);
        return p;
    }

    /** Initialises a store for all parameters of a graph. */
    public static ParameterStore initialize(Graph graph, long seed) {
        return initialize(graph.parameters(), seed);
    }

    /** Adds a zero-filled parameter. */
    public Parameter add(String name, long[] shape, boolean trainable, boolean decay) {
        if (params.containsKey(name)) {
            throw new IllegalArgumentException("parameter '" + name + "' already exists");
        }
        Parameter p = new Parameter(name, shape, trainable, decay);
        params.put(name, p);
        return p;
    }

    public boolean contains(String name) {
        return params.containsKey(name);
    }

    /** The parameter; throws naming the missing name. */
    public Parameter get(String name) {
        Parameter p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    "no parameter '" + name + "' (store has " + params.size() + " parameters)");
        }
        return p;
    }

    /** The values of a parameter (direct buffer). */
    public FloatBuffer data(String name) {
        return get(name).data();
    }

    public List<Parameter> all() {
        return Collections.unmodifiableList(new ArrayList<>(params.values()));
    }

    public List<String> names() {
        return List.copyOf(params.keySet());
    }

    /** Total number of float values. */
    public long totalSize() {
        long n = 0;
        for (Parameter p : params.values()) {
            n += p.size();
        }
        return n;
    }

    /**
     * Checks that this store holds exactly the given specs (names and shapes).
     *
     * @throws IllegalArgumentException listing missing, extra and mis-shaped names
     */
    public void checkMatches(Collection<ParameterSpec> specs, String what) {
        List<String> problems = new ArrayList<>();
        Map<String, ParameterSpec> byName = new LinkedHashMap<>();
        for (ParameterSpec s : specs) {
            byName.put(s.name(), s);
            Parameter p = params.get(s.name());
            if (p == null) {
                problems.add("missing '" + s.name() + "'");
            } else if (!Arrays.equals(p.shape(), s.shape())) {
                problems.add(
                        "'"
                                + s.name()
                                + "' has shape "
                                + Arrays.toString(p.shape())
                                + ", graph expects "
                                + Arrays.toString(s.shape()));
            }
        }
        for (String n : params.keySet()) {
            if (!byName.containsKey(n)) {
                problems.add("unexpected '" + n + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    what + " does not match the graph: " + String.join("; ", problems));
        }
    }

    /** Saves all parameters as F32 safetensors (atomic). */
    public void save(Path file, Map<String, String> metadata) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        for (Parameter p : params.values()) {
            m.put(p.name(), new HostTensor(DType.FLOAT, p.shape(), p.bytesView()));
        }
        Safetensors.write(file, m, metadata);
    }

    /**
     * Loads values from a safetensors file into the existing parameters (F32, F16, BF16, F64).
     *
     * @param strict when true, the file must hold exactly this store's names; otherwise names
     *     absent from the store are ignored and parameters absent from the file keep their values
     * @return the names loaded
     */
    public List<String> load(Path file, boolean strict) {
        Safetensors.Contents c = Safetensors.read(file);
        List<String> loaded = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, HostTensor> e : c.tensors().entrySet()) {
            Parameter p = params.get(e.getKey());
            if (p == null) {
                if (strict) {
                    problems.add("unexpected '" + e.getKey() + "'");
                }
                continue;
            }
            if (!Arrays.equals(p.shape(), e.getValue().shape())) {
                problems.add(
                        "'"
                                + e.getKey()
                                + "' has shape "
                                + Arrays.toString(e.getValue().shape())
                                + ", expected "
                                + Arrays.toString(p.shape()));
                continue;
            }
            p.set(e.getValue());
            loaded.add(e.getKey());
        }
        if (strict) {
            for (String n : params.keySet()) {
                if (!c.tensors().containsKey(n)) {
                    problems.add("missing '" + n + "'");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    file + " does not match the parameters: " + String.join("; ", problems));
        }
        return loaded;
    }

    @Override
    public String toString() {
        return "ParameterStore(" + params.size() + " parameters, " + totalSize() + " values)";
    }
}
