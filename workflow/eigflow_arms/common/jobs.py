"""What a workflow job needs from its environment: logging to its log file, its device, its shard."""
from __future__ import annotations

import logging
import os
import sys

import numpy as np
import torch


def setup_logging(log_path=None) -> logging.Logger:
    """Send INFO lines (the library's and the workflow's) to the job's log file only.

    Snakemake runs many jobs at once on one console; lines from all of them there would be
    interleaved without a job name, so a job's lines go to its rule's ``log`` file, which
    Snakemake names when the job fails. Without a log file (an interactive call) they go to
    stderr.
    """
    handlers = [logging.FileHandler(log_path, mode="w") if log_path else logging.StreamHandler(sys.stderr)]
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log = logging.getLogger("eigflow")

    def log_failure(kind, value, tb):
        # The job's own log then says why it failed, not only Snakemake's console.
        log.error("job failed: %s: %s", kind.__name__, value, exc_info=(kind, value, tb))

    sys.excepthook = log_failure
    return log


def job_device(gpus: int, cuda_available: bool | None = None, visible=None) -> str:
    """The torch device of a job that was given ``gpus`` GPUs.

    A job given no GPU runs on the CPU even where CUDA exists (another job may hold the
    card); a job given GPUs takes the first one SLURM or the user made visible to it, and
    fails loudly if there is none, rather than silently running for hours on the CPU.
    """
    if gpus <= 0:
        return "cpu"
    cuda_available = torch.cuda.is_available() if cuda_available is None else cuda_available
    visible = os.environ.get("CUDA_VISIBLE_DEVICES") if visible is None else visible
    if not cuda_available or visible == "":
        raise RuntimeError(
            f"this job was given {gpus} GPU(s) (config `gpus`) but CUDA sees none "
            f"(CUDA_VISIBLE_DEVICES={visible!r}); set `gpus: 0` to run on the CPU")
    return "cuda:0"


def shard_indices(n: int, shards: int, shard: int) -> np.ndarray:
    """Indices of shard ``shard`` of ``shards`` contiguous, near-equal blocks of range(n)."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} is outside 0..{shards - 1}")
    return np.array_split(np.arange(n), shards)[shard]


def set_threads(threads: int) -> None:
    torch.set_num_threads(max(1, int(threads)))
