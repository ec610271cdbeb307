#!/usr/bin/python3
"""Regenerates logsoftmax.onnx: one LogSoftmax over the last axis of a float32 tensor.

Usage (from this directory): /usr/bin/python3 make_logsoftmax.py   (needs the onnx package)
lcrec-inference feeds a decoder step's logits [rows, 1, vocab] to it (zero-copy, pinned input and
output buffers), so the full-vocabulary log-softmax of every beam row runs in ORT's vectorised
MLAS kernel and Java reads only the log-probabilities of the tokens the trie allows.
"""
import os

import onnx
from onnx import TensorProto, helper

x = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["rows", "seq", "vocab"])
y = helper.make_tensor_value_info("logprobs", TensorProto.FLOAT, ["rows", "seq", "vocab"])
node = helper.make_node("LogSoftmax", ["logits"], ["logprobs"], axis=-1)
graph = helper.make_graph([node], "logsoftmax", [x], [y])
model = helper.make_model(graph, producer_name="lcrec-inference",
                          opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "logsoftmax.onnx"))
