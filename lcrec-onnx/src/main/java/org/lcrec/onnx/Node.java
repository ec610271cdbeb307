package org.lcrec.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One operator application in a graph. Inputs may contain null for omitted optional inputs. */
public final class Node {
    private final String opType;
    private final String domain;
    private final String name;
    private final List<Tensor> inputs;
    private final List<Tensor> outputs;
    private final Map<String, Object> attributes;
    final boolean stopGradient;

    Node(
            String opType,
            String domain,
            String name,
            List<Tensor> inputs,
            List<Tensor> outputs,
            Map<String, Object> attributes,
            boolean stopGradient) {
        this.opType = opType;
        this.domain = domain;
        this.name = name;
        this.inputs = Collections.unmodifiableList(inputs);
        this.outputs = Collections.unmodifiableList(outputs);
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        this.stopGradient = stopGradient;
    }

    public String opType() {
        return opType;
    }

    /** The operator domain; "" is the default ONNX domain. */
    public String domain() {
        return domain;
    }

    public String name() {
        return name;
    }

    public List<Tensor> inputs() {
        return inputs;
    }

    public Tensor input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    public List<Tensor> outputs() {
        return outputs;
    }

    public Tensor output() {
        return outputs.get(0);
    }

    /**
     * Attributes: values are {@code Long}, {@code Float}, {@code String}, {@code long[]}, {@code
     * float[]}, {@code String[]} or {@link HostTensor}.
     */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** Integer attribute or default. */
    public long attrLong(String key, long dflt) {
        Object o = attributes.get(key);
        return o == null ? dflt : (Long) o;
    }

    /** Float attribute or default. */
    public float attrFloat(String key, float dflt) {
        Object o = attributes.get(key);
        return o == null ? dflt : (Float) o;
    }

    /** Whether this node is a stop-gradient marker (an Identity that blocks gradients). */
    public boolean isStopGradient() {
        return stopGradient;
    }

    @Override
    public String toString() {
        return opType + "(" + name + ")";
    }
}
