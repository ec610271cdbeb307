package org.lcrec.inference.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Adds a row-wise log-softmax of a decoder's {@code logits} to the decoder graph itself, as an
 * extra output {@value #NAME} [batch, seq, vocab]. A beam step then makes one ORT call that returns
 * normalised scores, instead of one for the logits and a second (through {@link OrtLogSoftmax}) for
 * their log-softmax; the logits are not copied out at all.
 *
 * <p>The edit works on the serialized {@code ModelProto} without parsing it: protobuf merges a
 * repeated occurrence of a singular message field into the first, and appends repeated fields, so
 * appending {@code graph { node {LogSoftmax(logits)} output {NAME} }} to the bytes adds one node
 * and one output to the existing graph (ONNX {@code ModelProto.graph} = 7, {@code GraphProto.node}
 * = 1 and {@code output} = 12). The model's initializers, opsets and metadata stay as they are.
 * LogSoftmax with {@code axis = -1} is row-wise over the last dimension under every opset.
 */
public final class LogProbsOutput {
    /** The added output's name; chosen so that it cannot clash with Optimum's names. */
    public static final String NAME = "lcrec.log_probs";

    /** The graph output it normalises. */
    public static final String LOGITS = "logits";

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
     * @param model a serialized ONNX model whose graph has a float output {@value #LOGITS}
     * @return the same model with the extra output {@value #NAME}
     */
    public static byte[] append(byte[] model) {
        byte[] attribute =
                new Message()
                        .string(ATTR_NAME, "axis")
                        .varint(ATTR_I, -1L)
                        .varint(ATTR_TYPE, ATTR_TYPE_INT)
                        .bytes();
        byte[] node =
                new Message()
                        .string(NODE_INPUT, LOGITS)
                        .string(NODE_OUTPUT, NAME)
                        .string(NODE_NAME, NAME)
                        .string(NODE_OP_TYPE, "LogSoftmax")
                        .message(NODE_ATTRIBUTE, attribute)
                        .bytes();
        byte[] tensorType = new Message().varint(TENSOR_ELEM_TYPE, ELEM_FLOAT).bytes();
        byte[] type = new Message().message(TYPE_TENSOR, tensorType).bytes();
        byte[] output =
                new Message().string(VALUE_INFO_NAME, NAME).message(VALUE_INFO_TYPE, type).bytes();
        byte[] graph =
                new Message().message(GRAPH_NODE, node).message(GRAPH_OUTPUT, output).bytes();
        byte[] tail = new Message().message(MODEL_GRAPH, graph).bytes();
        byte[] out = new byte[model.length + tail.length];
        System.arraycopy(model, 0, out, 0, model.length);
        System.arraycopy(tail, 0, out, model.length, tail.length);
        return out;
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
