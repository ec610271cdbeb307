#!/usr/bin/python3
"""Regenerates the tiny random LLaMA-style decoders used by lcrec-inference's tests.

Usage (from this directory): /usr/bin/python3 make_fixtures.py
Needs torch 1.13 (Debian: apt-get install python3-torch); no transformers.

Writes, in the Hugging Face Optimum decoder layout (inputs input_ids, attention_mask,
[position_ids], past_key_values.{i}.key/.value, [beam_idx]; outputs logits, present.{i}.key/.value):
  pos/model.onnx      with position_ids, no beam_idx
  nopos/model.onnx    without position_ids (positions computed in-graph from attention_mask)
  beam/model.onnx     with position_ids and beam_idx (past reordered in-graph by Gather)
  external/model.onnx the beam graph with its weights in external data (model.onnx.data), as
                      Optimum writes models over 2 GB (needs the onnx package)
  */config.json       the HF-style config
  token-map.json      index token -> vocabulary id for the synthetic 3-level index used by the tests
  golden.json         full-sequence logits (no cache) of one fixed prompt, for the cached decoding test
All three graphs share the same weights (seed 1234), so they must give the same numbers.
"""
import json
import math
import os

import torch
import torch.nn as nn

VOCAB = 512
HIDDEN = 32
HEADS = 4
KV_HEADS = 2
HEAD_DIM = HIDDEN // HEADS
LAYERS = 2
FFN = 64
PAD, BOS, EOS = 0, 1, 2
ROPE_THETA = 10000.0
EPS = 1e-6


class RmsNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(1.0 + 0.1 * torch.randn(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * self.weight


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = RmsNorm(HIDDEN)
        self.q = nn.Linear(HIDDEN, HEADS * HEAD_DIM, bias=False)
        self.k = nn.Linear(HIDDEN, KV_HEADS * HEAD_DIM, bias=False)
        self.v = nn.Linear(HIDDEN, KV_HEADS * HEAD_DIM, bias=False)
        self.o = nn.Linear(HEADS * HEAD_DIM, HIDDEN, bias=False)
        self.ln2 = RmsNorm(HIDDEN)
        self.gate = nn.Linear(HIDDEN, FFN, bias=False)
        self.up = nn.Linear(HIDDEN, FFN, bias=False)
        self.down = nn.Linear(FFN, HIDDEN, bias=False)

    def forward(self, x, cos, sin, bias, past_k, past_v):
        b, s, _ = x.shape
        h = self.ln1(x)
        q = self.q(h).view(b, s, HEADS, HEAD_DIM).transpose(1, 2)
        k = self.k(h).view(b, s, KV_HEADS, HEAD_DIM).transpose(1, 2)
        v = self.v(h).view(b, s, KV_HEADS, HEAD_DIM).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        rep = HEADS // KV_HEADS
        # grouped-query attention: each KV head serves `rep` query heads (expand + reshape
        # rather than repeat_interleave, which torch 1.13 exports with a fixed batch)
        kk = k.unsqueeze(2).expand(-1, -1, rep, -1, -1).reshape(b, HEADS, -1, HEAD_DIM)
        vv = v.unsqueeze(2).expand(-1, -1, rep, -1, -1).reshape(b, HEADS, -1, HEAD_DIM)
        att = torch.matmul(q, kk.transpose(2, 3)) / math.sqrt(HEAD_DIM) + bias
        att = torch.softmax(att, dim=-1)
        out = torch.matmul(att, vv).transpose(1, 2).reshape(b, s, HEADS * HEAD_DIM)
        x = x + self.o(out)
        h = self.ln2(x)
        x = x + self.down(torch.nn.functional.silu(self.gate(h)) * self.up(h))
        return x, k, v


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, HIDDEN)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.norm = RmsNorm(HIDDEN)
        self.head = nn.Linear(HIDDEN, VOCAB, bias=False)
        with torch.no_grad():
            # a sharper output distribution than the default init, so that beams differ clearly
            self.head.weight.mul_(8.0)

    def core(self, input_ids, attention_mask, position_ids, past):
        b, s = input_ids.shape
        past_len = past[0].shape[2]
        total = past_len + s
        inv = 1.0 / (ROPE_THETA ** (torch.arange(0, HEAD_DIM, 2, dtype=torch.float32) / HEAD_DIM))
        freqs = position_ids.to(torch.float32).unsqueeze(-1) * inv  # [b, s, hd/2]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos = emb.cos().unsqueeze(1)
        sin = emb.sin().unsqueeze(1)
        key_pos = torch.arange(total).view(1, 1, 1, total)
        query_pos = (torch.arange(s) + past_len).view(1, 1, s, 1)
        allowed = (key_pos <= query_pos) & (attention_mask.view(b, 1, 1, total) > 0)
        bias = (~allowed).to(torch.float32) * -1e9
        x = self.embed(input_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer(x, cos, sin, bias, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        return (self.head(self.norm(x)),) + tuple(presents)


def positions_from_mask(attention_mask, s):
    pos = torch.cumsum(attention_mask, dim=-1) - 1
    pos = torch.clamp(pos, min=0)
    return pos[:, -s:]


class WithPositions(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.d = d

    def forward(self, input_ids, attention_mask, position_ids, *past):
        return self.d.core(input_ids, attention_mask, position_ids, past)


class NoPositions(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.d = d

    def forward(self, input_ids, attention_mask, *past):
        pos = positions_from_mask(attention_mask, input_ids.shape[1])
        return self.d.core(input_ids, attention_mask, pos, past)


class WithBeamIdx(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.d = d

    def forward(self, input_ids, attention_mask, position_ids, *rest):
        past = rest[:-1]
        beam_idx = rest[-1]
        past = tuple(p.index_select(0, beam_idx) for p in past)
        return self.d.core(input_ids, attention_mask, position_ids, past)


def past_names():
    names = []
    for i in range(LAYERS):
        names += ["past_key_values.%d.key" % i, "past_key_values.%d.value" % i]
    return names


def present_names():
    names = []
    for i in range(LAYERS):
        names += ["present.%d.key" % i, "present.%d.value" % i]
    return names


def export(module, path, with_pos, with_beam):
    b, s, p = 2, 3, 4
    ids = torch.randint(3, VOCAB, (b, s))
    mask = torch.ones(b, p + s, dtype=torch.int64)
    pos = positions_from_mask(mask, s)
    past = [torch.randn(b, KV_HEADS, p, HEAD_DIM) for _ in range(2 * LAYERS)]
    args = [ids, mask]
    names = ["input_ids", "attention_mask"]
    axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"}}
    if with_pos:
        args.append(pos)
        names.append("position_ids")
        axes["position_ids"] = {0: "batch", 1: "seq"}
    args += past
    names += past_names()
    for n in past_names():
        axes[n] = {0: "past_batch" if with_beam else "batch", 2: "past"}
    if with_beam:
        args.append(torch.arange(b))
        names.append("beam_idx")
        axes["beam_idx"] = {0: "batch"}
    axes["logits"] = {0: "batch", 1: "seq"}
    for n in present_names():
        axes[n] = {0: "batch", 2: "total"}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module, tuple(args), path, input_names=names,
                      output_names=["logits"] + present_names(), dynamic_axes=axes,
                      opset_version=14, do_constant_folding=True)


def config():
    return {
        "model_type": "llama",
        "architectures": ["LlamaForCausalLM"],
        "vocab_size": VOCAB,
        "hidden_size": HIDDEN,
        "num_attention_heads": HEADS,
        "num_key_value_heads": KV_HEADS,
        "num_hidden_layers": LAYERS,
        "intermediate_size": FFN,
        "rms_norm_eps": EPS,
        "rope_theta": ROPE_THETA,
        "bos_token_id": BOS,
        "eos_token_id": EOS,
        "pad_token_id": PAD,
        "tie_word_embeddings": False,
    }


def externalize(here):
    """Copies beam/model.onnx to external/, its weights moved to external/model.onnx.data."""
    import onnx
    m = onnx.load(os.path.join(here, "beam", "model.onnx"))
    os.makedirs(os.path.join(here, "external"), exist_ok=True)
    onnx.save_model(m, os.path.join(here, "external", "model.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="model.onnx.data", size_threshold=1024)
    with open(os.path.join(here, "external", "config.json"), "w") as f:
        json.dump(config(), f, indent=2)


def main():
    torch.manual_seed(1234)
    here = os.path.dirname(os.path.abspath(__file__))
    d = Decoder().eval()
    for sub, mod, wp, wb in [("pos", WithPositions(d), True, False),
                             ("nopos", NoPositions(d), False, False),
                             ("beam", WithBeamIdx(d), True, True)]:
        export(mod, os.path.join(here, sub, "model.onnx"), wp, wb)
        with open(os.path.join(here, sub, "config.json"), "w") as f:
            json.dump(config(), f, indent=2)
    externalize(here)
    # Index tokens of a 3-level index with 16 codes per level: <a_c> -> 100 + c, <b_c> -> 200 + c,
    # <c_c> -> 300 + c (ids 3..99 are "text" tokens for prompts).
    tm = {}
    for level, letter in enumerate("abc"):
        for c in range(16):
            tm["<%s_%d>" % (letter, c)] = 100 * (level + 1) + c
    with open(os.path.join(here, "token-map.json"), "w") as f:
        json.dump(tm, f, indent=1)
    prompt = [BOS, 17, 42, 105, 203, 311, 9, 100, 215]
    with torch.no_grad():
        ids = torch.tensor([prompt])
        mask = torch.ones(1, len(prompt), dtype=torch.int64)
        past = [torch.zeros(1, KV_HEADS, 0, HEAD_DIM) for _ in range(2 * LAYERS)]
        logits = d.core(ids, mask, positions_from_mask(mask, len(prompt)), past)[0][0]
    with open(os.path.join(here, "golden.json"), "w") as f:
        json.dump({"version": 1, "generator": "make_fixtures.py (torch %s)" % torch.__version__,
                   "prompt": prompt, "vocab": VOCAB,
                   "logits": [[round(float(x), 6) for x in row] for row in logits]}, f)


if __name__ == "__main__":
    main()
