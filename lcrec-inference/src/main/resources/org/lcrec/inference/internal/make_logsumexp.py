#!/usr/bin/python3
"""Regenerates logsumexp.onnx: one ReduceLogSumExp over the last axis of a float32 tensor.

Usage (from this directory): /usr/bin/python3 make_logsumexp.py   (needs the onnx package)
lcrec-inference feeds a decoder step's logits [rows, 1, vocab] to it, so the log-softmax
normaliser of every beam row is computed by ORT's vectorised kernel instead of a scalar Java exp.
"""
import os

import onnx
from onnx import TensorProto, helper

x = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["rows", "seq", "vocab"])
y = helper.make_tensor_value_info("lse", TensorProto.FLOAT, ["rows", "seq"])
node = helper.make_node("ReduceLogSumExp", ["logits"], ["lse"], axes=[-1], keepdims=0)
graph = helper.make_graph([node], "logsumexp", [x], [y])
model = helper.make_model(graph, producer_name="lcrec-inference",
                          opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "logsumexp.onnx"))
