"""Global importance analysis throughput (embeddings per second): eigflow's GIA against
tangermeme's ``marginalize`` on the same model, backgrounds, motif and starts.

    python benchmarks/gia_throughput.py --results results [--backgrounds 32] [--starts 40]

Reads a workflow run's sequence CNN (``results/sequence/model.pt``; without one, an untrained
CNN of the default architecture), draws dinucleotide-shuffled backgrounds of random sequences,
embeds RBFOX's UGCAUG at ``--starts`` starts of every window, and prints, for each
implementation, embeddings (background x start) per second (best of ``--repeats``), the ratio, and the largest
difference of their global importances. ``marginalize`` is called once per start, as a user
of it would (it embeds at one start per call); both evaluate ``--batch`` sequences at a time.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from eigflow_arms.sequence import gia, model
from eigflow_arms.sequence.data import LENGTH, one_hot
from tangermeme.marginalize import marginalize

MOTIF = "UGCAUG"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--backgrounds", type=int, default=32)
    parser.add_argument("--starts", type=int, default=40)
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    path = args.results / "sequence" / "model.pt"
    if path.exists():
        cnn, _ = model.load(path)
    else:
        cnn = model.SequenceCNN(6, 2, channels=16, kernel=9, block_kernel=3, dilations=[2, 4], pool=350,
                                hidden=16).eval()
    cnn = cnn.to(args.device)
    pool = one_hot(np.random.default_rng(0).integers(0, 4, size=(args.backgrounds, LENGTH)))
    background = gia.backgrounds("dinucleotide-shuffle", pool, args.backgrounds, seed=0)
    every = gia.window_starts(len(MOTIF), 1)
    starts = every[np.linspace(0, len(every) - 1, args.starts).astype(int)]
    embeddings = len(starts) * args.backgrounds

    def ours():
        return gia.global_importance(cnn, background, [gia.encode(MOTIF)], starts[:, None],
                                     batch_size=args.batch, device=args.device)[0]

    x = torch.as_tensor(background, device=args.device)

    def theirs():
        rows = []
        for start in starts:
            before, after = marginalize(cnn, x, MOTIF, start=int(start), alphabet=list("ACGU"),
                                        batch_size=args.batch, device=args.device)
            rows.append((after - before).double().mean(0).numpy())
        return np.stack(rows)

    print(f"{embeddings} embeddings ({args.backgrounds} backgrounds x {len(starts)} starts), device "
          f"{args.device}, {args.threads} thread(s), model {'from ' + str(path) if path.exists() else 'untrained'}")
    timings = {}
    for name, run in (("eigflow GIA", ours), ("tangermeme marginalize", theirs)):
        run()   # warm-up: first-call allocations and kernel selection are not throughput
        seconds = []
        for _ in range(args.repeats):   # the best of a few: other jobs on a shared machine only slow a run
            start = time.perf_counter()
            result = run()
            seconds.append(time.perf_counter() - start)
        timings[name] = (result, min(seconds))
        print(f"{name:24} {timings[name][1]:8.2f} s {embeddings / timings[name][1]:10.0f} embeddings/s")
    (a, ta), (b, tb) = timings.values()
    print(f"ratio (eigflow / tangermeme, embeddings per second): {tb / ta:.2f}; "
          f"largest difference of global importance {np.abs(a - b).max():.2e}")


if __name__ == "__main__":
    main()
