"""Where a PyTorch model runs, how that is reported, and seeding for repeatable runs.

Training and the `transformer_tagger` component pick the device the same way
("auto": the first CUDA GPU when PyTorch sees one, else the CPU), and every run
records what it used, because a figure measured on a GPU says little about a
CPU run and the other way round. `seeded` makes a CPU run repeatable: the
same seed gives the same data order, dropout masks and losses.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch

DEVICE_CHOICES = ("auto", "cpu", "cuda")


def select_device(requested: str = "auto") -> torch.device:
    """The device for `requested`: "auto", "cpu", "cuda" or "cuda:N".

    Asking for CUDA where PyTorch sees no GPU is an error rather than a silent
    fall back to the CPU, which would make a run hours slower than planned.
    """
    name = requested.strip().lower()
    if name == "auto":
        return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda" or name.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise ValueError(f"device {requested!r} asked for, but PyTorch sees no CUDA GPU; use 'auto' or 'cpu'")
        device = torch.device("cuda:0" if name == "cuda" else name)
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ValueError(f"device {requested!r} asked for, but only {torch.cuda.device_count()} GPU(s) are visible")
        return device
    raise ValueError(f"unknown device {requested!r}; use one of {', '.join(DEVICE_CHOICES)} or 'cuda:N'")


def describe_device(device: torch.device) -> dict[str, Any]:
    """What a run's metrics and log say about the hardware: device, its name, CPU threads, torch version."""
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    else:
        name = f"CPU ({os.cpu_count()} cores visible)"
    return {
        "device": str(device),
        "device_name": name,
        "torch_threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
    }


@contextmanager
def seeded(seed: int, device: torch.device) -> Iterator[None]:
    """Seed Python, NumPy and PyTorch; on the CPU, also insist on deterministic kernels.

    `torch.use_deterministic_algorithms` is process-wide, so the previous
    setting is restored on exit. On CUDA it is left alone: deterministic cuBLAS
    needs an environment variable set before CUDA starts, which a library
    cannot do for its caller, so GPU runs are seeded but not bit-for-bit repeatable.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    previous = torch.are_deterministic_algorithms_enabled()
    if device.type == "cpu":
        torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous)
