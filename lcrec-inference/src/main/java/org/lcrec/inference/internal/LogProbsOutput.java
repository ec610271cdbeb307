package org.lcrec.inference.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Adds the log-softmax of a decoder's last-position {@code logits} to the decoder graph itself, as
 * an extra output {@value #NAME} [batch, vocab]. A beam step then makes one ORT call that returns
 * normalised scores, instead of one for the logits and a second (through {@link OrtLogSoftmax}) for
 * their log-softmax; the logits are not copied out at all.
 *
 * <p>The added nodes are {@code Constant(value_int=-1)}, {@code Gather(logits, -1, axis=1)} (the
 * last position) and {@code LogSoftmax(axis=-1)}. Only the last position: ORT runs every node of a
 * graph whatever outputs are asked for, and a log-softmax over all positions made a 32 × 100
 * prefill 30% slower. {@code value_int} needs opset 12, which Optimum and lcrec-model exports have;
 * ORT rejects older graphs, and {@code OrtCausalDecoder} then opens the model unedited.
 *
 * <p>The edit works on the serialized {@code ModelProto} without parsing it: protobuf merges a
 * repeated occurrence of a singular message field into the first, and appends repeated fields, so
 * appending {@code graph { node {...} output {NAME} }} to the bytes adds the nodes and the output
 * to the existing graph (ONNX {@code ModelProto.graph} = 7, {@code GraphProto.node} = 1 and {@code
 * output} = 12). The model's initializers, opsets and metadata stay as they are.
 */
public final class LogProbsOutput {
    /** The added output's name; chosen so that it cannot clash with Optimum's names. */
    public static final String NAME = "lcrec.log_probs";

    /** The graph output it normalises. */
    public static final String LOGITS = "logits";

    /** The added intermediate values: the scalar -1, and the last position's logits. */
    private static final String LAST_INDEX = "lcrec.last_index";

    private static final String LAST_LOGITS = "lcrec.last_logits";

    // ONNX protobuf field numbers (onnx.proto3)
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTR_NAME = 1;
    private static final int ATTR_I = 3;
    private static final int ATTR_TYPE = 20;
    private static final int ATTR_TYPE_INT = 2;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_ELEM_TYPE = 1;
    private static final int ELEM_FLOAT = 1;

    private LogProbsOutput() {}

    /**
     * @param model a serialized ONNX model whose graph has a float output {@value #LOGITS} [batch,
     *     seq, vocab]
     * @return the same model with the extra output {@value #NAME}
     */
    public static byte[] append(byte[] model) {
        byte[] constant = node("Constant", LAST_INDEX, intAttribute("value_int", -1));
        byte[] gather = node("Gather", LAST_LOGITS, intAttribute("axis", 1), LOGITS, LAST_INDEX);
        byte[] logSoftmax = node("LogSoftmax", NAME, intAttribute("axis", -1), LAST_LOGITS);
        byte[] tensorType = new Message().varint(TENSOR_ELEM_TYPE, ELEM_FLOAT).bytes();
        byte[] type = new Message().message(TYPE_TENSOR, tensorType).bytes();
        byte[] output =
                new Message().string(VALUE_INFO_NAME, NAME).message(VALUE_INFO_TYPE, type).bytes();
        byte[] graph =
                new Message()
                        .message(GRAPH_NODE, constant)
                        .message(GRAPH_NODE, gather)
                        .message(GRAPH_NODE, logSoftmax)
                        .message(GRAPH_OUTPUT, output)
                        .bytes();
        byte[] tail = new Message().message(MODEL_GRAPH, graph).bytes();
        byte[] out = new byte[model.length + tail.length];
        System.arraycopy(model, 0, out, 0, model.length);
        System.arraycopy(tail, 0, out, model.length, tail.length);
        return out;
    }

    private static byte[] intAttribute(String name, long value) {
        return new Message()
                .string(ATTR_NAME, name)
                .varint(ATTR_I, value)
                .varint(ATTR_TYPE, ATTR_TYPE_INT)
                .bytes();
    }

    /** A node named after its one output. */
    private static byte[] node(String op, String output, byte[] attribute, String... inputs) {
        Message m = new Message();
        for (String in : inputs) {
            m.string(NODE_INPUT, in);
        }
        return m.string(NODE_OUTPUT, output)
                .string(NODE_NAME, output)
                .string(NODE_OP_TYPE, op)
                .message(NODE_ATTRIBUTE, attribute)
                .bytes();
    }

    /** A protobuf message being written: tags, varints and length-delimited fields. */
    private static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        private Message varint(int field, long value) {
            tag(field, 0);
            raw(value);
            return this;
        }

        private Message string(int field, String s) {
            return message(field, s.getBytes(StandardCharsets.UTF_8));
        }

        private Message message(int field, byte[] body) {
            tag(field, 2);
            raw(body.length);
            out.writeBytes(body);
            return this;
        }

        private void tag(int field, int wireType) {
            raw(((long) field << 3) | wireType);
        }

        /** Base-128 varint; negative values take ten bytes, as protobuf's int64 does. */
        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        private byte[] bytes() {
            return out.toByteArray();
        }
    }
}
