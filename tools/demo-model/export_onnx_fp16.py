"""Derives the fp16 flavour of the demo model's ONNX export, for tests only: `model_fp16.onnx`, whose key/value
cache inputs (past_key_values.*) and outputs (present.*) are float16 and whose weights are stored as float16, as in
the fp16 and q4f16 files of Hub ONNX exports (onnx-community), which transformers.js loads with dtype 'fp16' or
'q4f16'. The snippet users get (use-with-transformers-js.mjs) must hand such a model a float16 cache: its test
(test/tuning/export/kv-cache.test.ts) runs this file on onnxruntime-node.

The arithmetic stays float32 (each float16 tensor is cast up where it enters, the cache cast down where it
leaves): the test measures what the cache's type changes, not float16 arithmetic.

Usage: python3 tools/demo-model/export_onnx_fp16.py public/models/demo/onnx/model.onnx test/fixtures/demo-onnx-fp16/model_fp16.onnx
"""
import os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def cast(src, dst, to):
    return helper.make_node("Cast", [src], [dst], name=f"cast_{dst}", to=to)


def to_fp16(graph):
    head = []  # Cast nodes that must run before everything else
    tail = []
    # Weights: float16 initializers, cast up to the name the graph reads.
    for init in list(graph.initializer):
        if init.data_type != TensorProto.FLOAT:
            continue
        values = numpy_helper.to_array(init)
        half = numpy_helper.from_array(values.astype(np.float16), init.name + ".fp16")
        graph.initializer.remove(init)
        graph.initializer.append(half)
        head.append(cast(half.name, init.name, TensorProto.FLOAT))
    # Cache inputs: float16 in, float32 inside under a new name.
    for inp in graph.input:
        if not inp.name.startswith("past_key_values."):
            continue
        inside = inp.name + ".fp32"
        for node in graph.node:
            node.input[:] = [inside if n == inp.name else n for n in node.input]
        inp.type.tensor_type.elem_type = TensorProto.FLOAT16
        head.append(cast(inp.name, inside, TensorProto.FLOAT))
    # Cache outputs: computed in float32 under a new name, cast down to the output's name.
    for out in graph.output:
        if not out.name.startswith("present."):
            continue
        inside = out.name + ".fp32"
        for node in graph.node:  # the producer, and later layers' nodes that read it (the grown cache)
            node.output[:] = [inside if n == out.name else n for n in node.output]
            node.input[:] = [inside if n == out.name else n for n in node.input]
        out.type.tensor_type.elem_type = TensorProto.FLOAT16
        tail.append(cast(inside, out.name, TensorProto.FLOAT16))
    # The export keeps the weights as Constant nodes (model.py's tensors are not module parameters): the large
    # ones become float16 constants cast up right after.
    body = []
    for node in graph.node:
        body.append(node)
        value = next((a for a in node.attribute if a.name == "value"), None)
        if node.op_type != "Constant" or value is None or value.t.data_type != TensorProto.FLOAT:
            continue
        values = numpy_helper.to_array(value.t)
        if values.size < 1024:
            continue
        value.t.CopyFrom(numpy_helper.from_array(values.astype(np.float16), value.t.name))
        name = node.output[0]
        node.output[0] = name + ".fp16"
        body.append(cast(node.output[0], name, TensorProto.FLOAT))
    nodes = head + body + tail
    del graph.node[:]
    graph.node.extend(nodes)


def main(src, dst):
    model = onnx.load(src)
    to_fp16(model.graph)
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    onnx.save(model, dst)
    kinds = {i.name: i.type.tensor_type.elem_type for i in model.graph.input}
    assert kinds["past_key_values.0.key"] == TensorProto.FLOAT16
    print(f"wrote {dst} ({os.path.getsize(dst):,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
