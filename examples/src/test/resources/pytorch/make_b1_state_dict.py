"""Writes b1_state_dict.npz: weights for examples/bench/b1.cnn laid out as PyTorch's state_dict of the B1 module
(runtime/src/test/resources/pytorch/b1_reference.py), saved the way a PyTorch user saves one for convnet:
numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()}). Made with numpy alone (seeded), so
the file is numpy's own .npz writing, not convnet's.

usage: python3 make_b1_state_dict.py OUT.npz
"""
import sys

import numpy as np

SHAPES = {
    "L1_conv.weight": (16, 1, 5, 5), "L1_conv.bias": (16,), "L1_conv.gain": (16,),
    "L3_conv.weight": (32, 16, 5, 5), "L3_conv.bias": (32,), "L3_conv.gain": (32,),
    "L5_logistic.weight": (10, 512), "L5_logistic.bias": (10,),
}

rng = np.random.default_rng(2009)
state = {k: (1 + rng.uniform(0, 0.5, s) if k.endswith(".gain") else rng.uniform(-0.2, 0.2, s)).astype(np.float32)
         for k, s in SHAPES.items()}
np.savez(sys.argv[1], **state)
