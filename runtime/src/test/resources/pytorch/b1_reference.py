"""Benchmark B1 (16F5x5CSG - PA2x2, 32F5x5CSG - PA2x2, logistic 10) written directly in PyTorch.

The modules are named like convnet's layers, so the .npz written by `convnet init` loads as a state_dict
with strict=True. Writes logits, loss and every gradient (float64) to an .npz for comparison.

usage: b1_reference.py WEIGHTS.npz X.npy Y.npy OUT.npz
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class GainConv(nn.Conv2d):
    """nFhxwCSG: y = g * tanh(b + W * x), a trainable gain per output map."""

    def __init__(self, cin, cout, k):
        super().__init__(cin, cout, k)
        self.gain = nn.Parameter(torch.ones(cout))

    def forward(self, x):
        return self.gain.view(-1, 1, 1) * torch.tanh(super().forward(x))


class B1(nn.Module):
    def __init__(self):
        super().__init__()
        self.L1_conv = GainConv(1, 16, 5)
        self.L3_conv = GainConv(16, 32, 5)
        self.L5_logistic = nn.Linear(32 * 4 * 4, 10)

    def forward(self, x):
        h = F.avg_pool2d(self.L1_conv(x), 2)
        h = F.avg_pool2d(self.L3_conv(h), 2)
        return self.L5_logistic(torch.flatten(h, 1))


def main(weights, x_path, y_path, out):
    model = B1().double()
    state = {k: torch.from_numpy(v).double() for k, v in np.load(weights).items()}
    model.load_state_dict(state, strict=True)
    x = torch.from_numpy(np.load(x_path)).double().requires_grad_(True)
    y = torch.from_numpy(np.load(y_path)).long()
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    result = {"output": logits.detach().numpy(), "loss": loss.detach().numpy(), "grad/input": x.grad.numpy()}
    for name, p in model.named_parameters():
        result["grad/" + name] = p.grad.numpy()
    np.savez(out, **result)


if __name__ == "__main__":
    main(*sys.argv[1:5])
