"""The ONNX layout transformers.js loads for a decoder-only LM with a key/value cache (Hugging Face Optimum's names
and dimension names): inputs input_ids, attention_mask, position_ids, past_key_values.{i}.key / .value; outputs
logits, present.{i}.key / .value. Used by tools/demo-model/export_onnx.py and tools/onnx-fixtures/gemma3.py."""
import os
import torch


def export_decoder(model, path, layers, kv_heads, head_dim):
    """Traces `model(input_ids, attention_mask, position_ids, *past)` → (logits, *present) into `path` (opset 14)
    and checks the graph; onnxruntime-web has no float64 kernels, so a float64 cast is refused. Returns the graph."""
    past_names = [f"past_key_values.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    present_names = [f"present.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    # Two cached positions and three new tokens: every dimension that varies at run time differs in the example.
    example = (torch.tensor([[5, 6, 7]]), torch.ones(1, 5, dtype=torch.int64), torch.arange(2, 5)[None],
               *[torch.randn(1, kv_heads, 2, head_dim) for _ in past_names])
    dynamic = {"input_ids": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
               "position_ids": {0: "batch_size", 1: "sequence_length"},
               "logits": {0: "batch_size", 1: "sequence_length"}}
    for n in past_names:
        dynamic[n] = {0: "batch_size", 2: "past_sequence_length"}
    for n in present_names:
        dynamic[n] = {0: "batch_size", 2: "total_sequence_length"}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(model, example, path, input_names=["input_ids", "attention_mask", "position_ids", *past_names],
                          output_names=["logits", *present_names], dynamic_axes=dynamic, opset_version=14,
                          do_constant_folding=True)
    import onnx
    graph = onnx.load(path)
    onnx.checker.check_model(graph)
    doubles = [n.name or n.op_type for n in graph.graph.node if any(a.name == "to" and a.i == onnx.TensorProto.DOUBLE for a in n.attribute)]
    assert not doubles, f"float64 casts in the graph: {doubles}"
    return graph
