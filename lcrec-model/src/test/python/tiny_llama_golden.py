#!/usr/bin/python3
"""Regenerates the tiny random Hugging Face checkpoints and golden logits used by
org.lcrec.model.llm.PyTorchParityTest.

An independent LLaMA / Qwen2 forward pass in plain PyTorch (no transformers), written from the
architecture's definition: RMSNorm, rotary embeddings (rotate-half convention, base rope_theta),
grouped-query attention with a causal and padding mask, SwiGLU, tied or untied head, optional
q/k/v biases. Safetensors files are written by hand (8-byte little-endian header length, JSON
header, raw little-endian data).

Run from the repository root with Debian's torch:
    /usr/bin/python3 lcrec-model/src/test/python/tiny_llama_golden.py
Outputs go to lcrec-model/src/test/resources/org/lcrec/model/llm/<name>/.
"""
import json
import math
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "org", "lcrec", "model", "llm")

CODES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, tensors):
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        b = raw_bytes(t)
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def make_weights(cfg, gen):
    d, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    hd = cfg["head_dim"]
    q, kv = cfg["num_attention_heads"] * hd, cfg["num_key_value_heads"] * hd
    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    o_bias = cfg["model_type"] == "llama" and cfg.get("attention_bias", False)

    def rnd(*shape, std=0.2):
        return torch.randn(*shape, generator=gen) * std

    w = {"model.embed_tokens.weight": rnd(v, d, std=1.0)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "self_attn.q_proj.weight"] = rnd(q, d)
        w[p + "self_attn.k_proj.weight"] = rnd(kv, d)
        w[p + "self_attn.v_proj.weight"] = rnd(kv, d)
        w[p + "self_attn.o_proj.weight"] = rnd(d, q)
        if qkv_bias:
            w[p + "self_attn.q_proj.bias"] = rnd(q)
            w[p + "self_attn.k_proj.bias"] = rnd(kv)
            w[p + "self_attn.v_proj.bias"] = rnd(kv)
        if o_bias:
            w[p + "self_attn.o_proj.bias"] = rnd(d)
        w[p + "mlp.gate_proj.weight"] = rnd(f, d)
        w[p + "mlp.up_proj.weight"] = rnd(f, d)
        w[p + "mlp.down_proj.weight"] = rnd(d, f)
        w[p + "input_layernorm.weight"] = 1 + rnd(d, std=0.1)
        w[p + "post_attention_layernorm.weight"] = 1 + rnd(d, std=0.1)
    w["model.norm.weight"] = 1 + rnd(d, std=0.1)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = rnd(v, d)
    return w


def rms_norm(x, weight, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(var + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def linear(x, w, name):
    y = x @ w[name + ".weight"].T
    if name + ".bias" in w:
        y = y + w[name + ".bias"]
    return y


def forward(cfg, w, ids, mask, pos):
    b, s = ids.shape
    H, KV, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]
    eps = cfg["rms_norm_eps"]
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    freqs = pos[..., None].float() * inv_freq  # [b, s, hd/2]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]
    causal = torch.ones(s, s, dtype=torch.bool).tril()
    allowed = causal[None, None] & mask.bool()[:, None, None, :]
    bias = torch.zeros(b, 1, s, s).masked_fill(~allowed, torch.finfo(torch.float32).min)
    h = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        x = rms_norm(h, w[p + "input_layernorm.weight"], eps)
        q = linear(x, w, p + "self_attn.q_proj").view(b, s, H, hd).transpose(1, 2)
        k = linear(x, w, p + "self_attn.k_proj").view(b, s, KV, hd).transpose(1, 2)
        v = linear(x, w, p + "self_attn.v_proj").view(b, s, KV, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // KV, dim=1)
        v = v.repeat_interleave(H // KV, dim=1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + bias
        att = torch.softmax(scores, dim=-1) @ v
        att = att.transpose(1, 2).reshape(b, s, H * hd)
        h = h + linear(att, w, p + "self_attn.o_proj")
        x = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(x, w, p + "mlp.gate_proj")
        up = linear(x, w, p + "mlp.up_proj")
        h = h + linear(torch.nn.functional.silu(gate) * up, w, p + "mlp.down_proj")
    h = rms_norm(h, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return h @ head.T


def build(name, cfg, store_dtype, shards, seed):
    gen = torch.Generator().manual_seed(seed)
    w = make_weights(cfg, gen)
    # the checkpoint stores store_dtype; the reference computes with exactly those values in float32
    stored = {k: v.to(store_dtype) for k, v in w.items()}
    w = {k: v.float() for k, v in stored.items()}
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    names = list(stored)
    if shards == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), stored)
    else:
        per = (len(names) + shards - 1) // shards
        weight_map = {}
        for k in range(shards):
            fn = f"model-{k + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: stored[n] for n in names[k * per:(k + 1) * per]}
            write_safetensors(os.path.join(d, fn), part)
            weight_map.update({n: fn for n in part})
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)
    ids = torch.randint(0, cfg["vocab_size"], (2, 7), generator=gen)
    mask = torch.ones(2, 7, dtype=torch.int64)
    mask[1, :2] = 0  # second row left-padded by two
    pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
    with torch.no_grad():
        logits = forward(cfg, w, ids, mask, pos)
    write_safetensors(os.path.join(d, "golden.safetensors"),
                      {"input_ids": ids, "attention_mask": mask, "position_ids": pos, "logits": logits.float()})


if __name__ == "__main__":
    torch.set_num_threads(1)
    base = {
        "hidden_size": 32, "intermediate_size": 56, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 2, "head_dim": 8, "vocab_size": 41, "rms_norm_eps": 1e-5,
        "max_position_embeddings": 64, "hidden_act": "silu", "rope_scaling": None,
        "bos_token_id": 1, "eos_token_id": 2,
    }
    llama = dict(base, architectures=["LlamaForCausalLM"], model_type="llama", rope_theta=10000.0,
                 tie_word_embeddings=False, attention_bias=False, torch_dtype="float16")
    qwen2 = dict(base, architectures=["Qwen2ForCausalLM"], model_type="qwen2", rope_theta=1000000.0,
                 tie_word_embeddings=True, use_sliding_window=False, torch_dtype="bfloat16")
    build("tiny-llama", llama, torch.float16, 1, 1234)
    build("tiny-qwen2", qwen2, torch.bfloat16, 2, 5678)
