"""Writes matmul.onnx: one MatMul with dynamic sizes, used by `npm run bench:engine` to measure onnxruntime's
achievable GFLOP/s on this machine in the same run as the model (the peak the model's rate is compared against)."""
import os
import torch


class MatMul(torch.nn.Module):
    def forward(self, a, b):
        return a @ b


a = torch.randn(256, 256)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "matmul.onnx")
torch.onnx.export(MatMul(), (a, a), out, input_names=["a", "b"], output_names=["c"], opset_version=17,
                  dynamic_axes={"a": {0: "m", 1: "k"}, "b": {0: "k", 1: "n"}, "c": {0: "m", 1: "n"}})
print(out, os.path.getsize(out), "bytes")
