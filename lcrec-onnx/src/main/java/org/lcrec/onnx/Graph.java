package org.lcrec.onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable snapshot of a built graph. Serialise it with {@link OnnxExport}; train it with
 * {@code org.lcrec.onnx.train.Trainer}.
 */
public final class Graph {
    private final String name;
    private final List<Node> nodes;
    private final Map<String, Tensor> inputs;
    private final Map<String, ParameterSpec> params;
    private final Map<String, Tensor> paramTensors;
    private final Map<String, Tensor> constants;
    private final Map<String, Tensor> outputs;
    private final Map<String, Float> dropoutRates;

    Graph(
            String name,
            List<Node> nodes,
            Map<String, Tensor> inputs,
            Map<String, ParameterSpec> params,
            Map<String, Tensor> paramTensors,
            Map<String, Tensor> constants,
            Map<String, Tensor> outputs,
            Map<String, Float> dropoutRates) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.paramTensors = Collections.unmodifiableMap(new LinkedHashMap<>(paramTensors));
        this.constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        this.dropoutRates = Collections.unmodifiableMap(new LinkedHashMap<>(dropoutRates));
    }

    public String name() {
        return name;
    }

    /** All nodes in topological order (including ones no output needs). */
    public List<Node> nodes() {
        return nodes;
    }

    /** Graph inputs (data), by name. */
    public Map<String, Tensor> inputs() {
        return inputs;
    }

    /** Declared parameters, in declaration order. */
    public List<ParameterSpec> parameters() {
        return List.copyOf(params.values());
    }

    public ParameterSpec parameter(String n) {
        ParameterSpec p = params.get(n);
        if (p == null) {
            throw new IllegalArgumentException("graph '" + name + "' has no parameter '" + n + "'");
        }
        return p;
    }

    Tensor parameterTensor(String n) {
        return paramTensors.get(n);
    }

    Map<String, Tensor> constants() {
        return constants;
    }

    /** Outputs, by name. */
    public Map<String, Tensor> outputs() {
        return outputs;
    }

    /** Dropout mask inputs and their rates. */
    public Map<String, Float> dropoutMasks() {
        return dropoutRates;
    }

    /** The nodes needed to compute the given outputs, in topological order. */
    List<Node> liveNodes(Iterable<Tensor> outs) {
        Set<Node> live = new HashSet<>();
        Deque<Tensor> work = new ArrayDeque<>();
        outs.forEach(work::add);
        while (!work.isEmpty()) {
            Tensor t = work.pop();
            Node n = t.producer();
            if (n != null && live.add(n)) {
                for (Tensor in : n.inputs()) {
                    if (in != null) {
                        work.push(in);
                    }
                }
            }
        }
        List<Node> r = new ArrayList<>();
        for (Node n : nodes) {
            if (live.contains(n)) {
                r.add(n);
            }
        }
        return r;
    }

    @Override
    public String toString() {
        return "Graph("
                + name
                + ", "
                + nodes.size()
                + " nodes, "
                + inputs.size()
                + " inputs, "
                + params.size()
                + " parameters, outputs="
                + outputs.keySet()
                + ")";
    }
}
