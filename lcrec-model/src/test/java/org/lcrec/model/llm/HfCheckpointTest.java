package org.lcrec.model.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lcrec.onnx.DType;
import org.lcrec.onnx.HostTensor;
import org.lcrec.onnx.Parameter;
import org.lcrec.onnx.Safetensors;

class HfCheckpointTest {
    static LlamaConfig tiny(boolean tied) {
        return LlamaConfig.builder()
                .vocabSize(19)
                .hiddenSize(16)
                .intermediateSize(24)
                .numLayers(2)
                .numHeads(4)
                .numKvHeads(2)
                .tieWordEmbeddings(tied)
                .eosTokenId(2)
                .build();
    }

    @Test
    void saveAndLoadRoundTripSingleAndSharded(@TempDir Path tmp) {
        for (boolean tied : new boolean[] {false, true}) {
            LlamaModel m = LlamaModel.random(tiny(tied), 3);
            Path single = tmp.resolve("single" + tied);
            Path sharded = tmp.resolve("sharded" + tied);
            m.save(single);
            m.save(sharded, 3000);
            assertThat(single.resolve("model.safetensors")).isRegularFile();
            assertThat(sharded.resolve("model.safetensors.index.json")).isRegularFile();
            assertThat(sharded.resolve("model.safetensors")).doesNotExist();
            for (Path p : new Path[] {single, sharded}) {
                LlamaModel r = LlamaModel.load(p);
                assertThat(r.config()).isEqualTo(m.config());
                assertThat(r.weights().names()).containsExactlyElementsOf(m.weights().names());
                for (Parameter q : m.weights().all()) {
                    assertThat(r.weights().get(q.name()).toArray()).containsExactly(q.toArray());
                }
            }
        }
    }

    @Test
    void bf16AndF16WeightsLoadAsFloat32(@TempDir Path tmp) {
        LlamaConfig c = tiny(true);
        LlamaModel m = LlamaModel.random(c, 5);
        Map<String, HostTensor> half = new LinkedHashMap<>();
        int k = 0;
        for (Parameter p : m.weights().all()) {
            float[] v = p.toArray();
            boolean bf = k++ % 2 == 0;
            java.nio.ByteBuffer b =
                    java.nio.ByteBuffer.allocate(v.length * 2)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (float f : v) {
                b.putShort(bf ? HostTensor.floatToBfloat16(f) : HostTensor.floatToHalf(f));
            }
            b.flip();
            half.put(p.name(), new HostTensor(bf ? DType.BFLOAT16 : DType.FLOAT16, p.shape(), b));
        }
        Safetensors.write(tmp.resolve("model.safetensors"), half, Map.of());
        c.write(tmp.resolve("config.json"));
        LlamaModel r = LlamaModel.load(tmp);
        k = 0;
        for (Parameter p : m.weights().all()) {
            boolean bf = k++ % 2 == 0;
            float[] want = p.toArray();
            float[] got = r.weights().get(p.name()).toArray();
            for (int i = 0; i < want.length; i++) {
                // bf16 keeps 8 mantissa bits (rel. error <= 2^-8), f16 11 (<= 2^-11) plus
                // subnormals
                double tol = bf ? Math.abs(want[i]) / 256 : Math.abs(want[i]) / 2048 + 1e-7;
                assertThat((double) Math.abs(got[i] - want[i])).isLessThanOrEqualTo(tol);
            }
        }
    }

    @Test
    void missingAndMisShapedTensorsAreNamed(@TempDir Path tmp) {
        LlamaModel m = LlamaModel.random(tiny(false), 1);
        Map<String, HostTensor> t = new LinkedHashMap<>();
        for (Parameter p : m.weights().all()) {
            t.put(p.name(), p.toHostTensor());
        }
        t.remove("model.layers.1.mlp.up_proj.weight");
        t.put(
                "model.layers.0.self_attn.k_proj.weight",
                HostTensor.ofFloats(new float[16 * 16], 16, 16));
        t.put("model.layers.0.self_attn.rotary_emb.inv_freq", HostTensor.ofFloats(new float[2], 2));
        t.put("model.extra.weight", HostTensor.ofFloats(new float[2], 2));
        Safetensors.write(tmp.resolve("model.safetensors"), t, Map.of());
        m.config().write(tmp.resolve("config.json"));
        assertThatThrownBy(() -> LlamaModel.load(tmp))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing tensor 'model.layers.1.mlp.up_proj.weight' [24, 16]")
                .hasMessageContaining(
                        "tensor 'model.layers.0.self_attn.k_proj.weight' in model.safetensors: expected shape [8, 16], found [16, 16]")
                .hasMessageContaining("unexpected tensor 'model.extra.weight'")
                .hasMessageNotContaining("inv_freq");
    }

    @Test
    void missingShardIsNamed(@TempDir Path tmp) throws Exception {
        LlamaModel m = LlamaModel.random(tiny(false), 1);
        m.save(tmp, 3000);
        Files.delete(
                tmp.resolve(
                        "model-00002-of-"
                                + String.format("%05d", countShards(tmp))
                                + ".safetensors"));
        assertThatThrownBy(() -> LlamaModel.load(tmp))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("is in missing shard model-00002-of-");
    }

    @Test
    void shardNamesOutsideTheCheckpointDirectoryAreRefused(@TempDir Path tmp) throws Exception {
        LlamaModel m = LlamaModel.random(tiny(false), 1);
        Path ckpt = tmp.resolve("ckpt");
        m.save(ckpt, 3000);
        Path index = ckpt.resolve(HfCheckpoint.INDEX);
        String json = Files.readString(index);
        // a real safetensors file outside the directory, so that following the name would work
        Path outside = tmp.resolve("outside.safetensors");
        Files.copy(ckpt.resolve("model-00001-of-" + shardSuffix(ckpt)), outside);
        for (String shard : new String[] {"../outside.safetensors", outside.toString()}) {
            Files.writeString(
                    index,
                    json.replaceFirst(
                            "\"model\\.embed_tokens\\.weight\" : \"[^\"]+\"",
                            "\"model.embed_tokens.weight\" : \""
                                    + shard.replace("\\", "\\\\")
                                    + "\""));
            assertThat(Files.readString(index)).contains(shard);
            assertThatThrownBy(() -> LlamaModel.load(ckpt))
                    .as(shard)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(index.toString())
                    .hasMessageContaining("weight_map: tensor 'model.embed_tokens.weight'")
                    .hasMessageContaining("expected a file inside " + ckpt)
                    .hasMessageContaining("found '" + shard + "'");
        }
    }

    private static String shardSuffix(Path dir) throws Exception {
        return String.format("%05d", countShards(dir)) + ".safetensors";
    }

    @Test
    void configIntegersAreStrictAndLayerCountsBoundedByTheWeights(@TempDir Path tmp)
            throws Exception {
        LlamaModel m = LlamaModel.random(tiny(false), 1);
        m.save(tmp);
        Path cfg = tmp.resolve("config.json");
        String json = Files.readString(cfg);
        assertThat(json).contains("\"hidden_size\" : 16");
        String[][] cases = {
            {"\"hidden_size\" : 100000000000000000000", "hidden_size", "100000000000000000000"},
            {"\"hidden_size\" : 1e20", "hidden_size", "1.0E20"},
            {"\"hidden_size\" : 16.5", "hidden_size", "16.5"},
        };
        for (String[] c : cases) {
            Files.writeString(cfg, json.replace("\"hidden_size\" : 16", c[0]));
            assertThatThrownBy(() -> LlamaConfig.read(cfg))
                    .as(c[0])
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(cfg + ": " + c[1] + ": expected an integer in [")
                    .hasMessageContaining("found " + c[2]);
        }
        Files.writeString(
                cfg, json.replace("\"num_hidden_layers\" : 2", "\"num_hidden_layers\" : 1000000"));
        assertThatThrownBy(() -> LlamaModel.load(tmp))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("num_hidden_layers")
                .hasMessageContaining("1000000")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1000));
    }

    private static long countShards(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(
                            p ->
                                    p.getFileName()
                                            .toString()
                                            .matches("model-\\d+-of-\\d+\\.safetensors"))
                    .count();
        }
    }

    @Test
    void unsupportedConfigFieldsAreRejectedByName(@TempDir Path tmp) throws Exception {
        String base =
                LlamaConfig.builder()
                        .vocabSize(10)
                        .hiddenSize(8)
                        .intermediateSize(8)
                        .numLayers(1)
                        .numHeads(2)
                        .build()
                        .toJson()
                        .toString();
        String[][] cases = {
            {
                "\"rope_scaling\":null",
                "\"rope_scaling\":{\"type\":\"linear\",\"factor\":2.0}",
                "rope_scaling"
            },
            {"\"hidden_act\":\"silu\"", "\"hidden_act\":\"gelu\"", "hidden_act: only 'silu'"},
            {"\"mlp_bias\":false", "\"mlp_bias\":true", "mlp_bias"},
            {"\"model_type\":\"llama\"", "\"model_type\":\"gpt2\"", "model_type: expected one of"},
            {"\"hidden_size\":8,", "", "missing required key 'hidden_size'"},
            {"\"num_key_value_heads\":2", "\"num_key_value_heads\":3", "multiple of numKvHeads 3"},
        };
        for (String[] c : cases) {
            assertThat(base).contains(c[0]);
            Path f = tmp.resolve("config.json");
            Files.writeString(f, base.replace(c[0], c[1]));
            assertThatThrownBy(() -> LlamaConfig.read(f))
                    .as(c[2])
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining(c[2]);
        }
    }

    @Test
    void configJsonRoundTripAndQwen2Dialect(@TempDir Path tmp) {
        LlamaConfig q =
                LlamaConfig.builder()
                        .modelType("qwen2")
                        .vocabSize(50)
                        .hiddenSize(16)
                        .intermediateSize(20)
                        .numLayers(1)
                        .numHeads(2)
                        .numKvHeads(1)
                        .ropeTheta(1e6)
                        .tieWordEmbeddings(true)
                        .eosTokenId(3)
                        .build();
        assertThat(q.qkvBias()).isTrue();
        assertThat(q.outputBias()).isFalse();
        q.write(tmp.resolve("config.json"));
        assertThat(LlamaConfig.read(tmp.resolve("config.json"))).isEqualTo(q);
        assertThat(q.toJson().has("attention_bias")).isFalse();
        assertThat(q.toString()).contains("type=qwen2", "kvHeads=1");
    }
}
