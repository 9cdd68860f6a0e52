"""The authors' package (``eig==0.1.4``): fetched once, loaded without TensorFlow.

Downloaded with ``pip download --no-deps eig==0.1.4`` and unpacked into ``benchmarks/.authors/``
(git-ignored) the first time; it is never imported as a package (its ``__init__`` imports
TensorFlow). Its path modules are loaded under a stub ``eig`` package, with ``eig/paths`` on
``sys.path`` for its top-level ``import path_utils``, and two removals in today's libraries
are patched in this process only: ``np.trapz`` -> ``np.trapezoid`` and
``sklearn.neighbors.DistanceMetric`` -> ``sklearn.metrics.DistanceMetric``. Its files are
never edited. Without network access, put the wheel's ``eig/`` folder in
``benchmarks/.authors/`` by hand, or pass ``--no-authors``.
"""
from __future__ import annotations

import importlib
import subprocess
import sys
import tarfile
import tempfile
import types
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np

AUTHORS_SPEC = "eig==0.1.4"
AUTHORS_DIR = Path(__file__).resolve().parent / ".authors"

class AuthorsUnavailable(RuntimeError):
    pass


def fetch_authors(dest: Path) -> None:
    """Download eig==0.1.4 (no dependencies) and unpack its ``eig/`` folder into ``dest``."""
    if (dest / "eig" / "paths" / "path_utils.py").exists():
        return
    print(f"fetching the authors' package {AUTHORS_SPEC} into {dest} ...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               AUTHORS_SPEC, "-d", tmp]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise AuthorsUnavailable(f"could not run pip ({err})") from err
        if run.returncode != 0:
            tail = "\n    ".join((run.stderr or run.stdout).strip().splitlines()[-4:])
            raise AuthorsUnavailable(
                f"`{' '.join(cmd[2:])}` failed (no access to the package registry?):\n    {tail}\n"
                f"  Download {AUTHORS_SPEC} elsewhere and unpack its eig/ folder into {dest}, "
                "or run with --no-authors.")
        archives = sorted(Path(tmp).iterdir())
        if not archives:
            raise AuthorsUnavailable("pip download produced no file")
        dest.mkdir(parents=True, exist_ok=True)
        archive = archives[0]
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as zf:
                for name in zf.namelist():
                    if name.startswith("eig/"):
                        zf.extract(name, dest)
        else:  # sdist: <name>-<version>/eig/...
            with tarfile.open(archive) as tf:
                for member in tf.getmembers():
                    parts = Path(member.name).parts
                    if "eig" in parts and member.isfile():
                        rel = Path(*parts[parts.index("eig"):])
                        target = dest / rel
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(tf.extractfile(member).read())
    if not (dest / "eig" / "paths" / "path_utils.py").exists():
        raise AuthorsUnavailable(f"{archive.name} has no eig/paths/path_utils.py")


def load_authors(dest: Path) -> SimpleNamespace:
    """The authors' NumPy path modules, without running ``eig/__init__.py`` (TensorFlow)."""
    import sklearn.metrics
    import sklearn.neighbors

    if not hasattr(np, "trapz"):  # removed in NumPy 2.4
        np.trapz = np.trapezoid
    if not hasattr(sklearn.neighbors, "DistanceMetric"):  # moved to sklearn.metrics in 1.3
        sklearn.neighbors.DistanceMetric = sklearn.metrics.DistanceMetric
    pkg = dest / "eig"
    stub = types.ModuleType("eig")
    stub.__path__ = [str(pkg)]
    sys.modules["eig"] = stub
    sys.path.insert(0, str(pkg / "paths"))  # path_integrated_gradients does `from path_utils import ...`
    return SimpleNamespace(
        Neighbors=importlib.import_module("eig.paths.PathGeneratorNeighbors").NeighborsPathGenerator,
        Linear=importlib.import_module("eig.paths.PathGeneratorLinear").LinearPathGenerator,
        LatentNeighbors=importlib.import_module(
            "eig.paths.PathGeneratorLatentNeighbors").LatentNeighborsPathGenerator,
        pig=importlib.import_module("path_integrated_gradients"),
    )


def generator_on_graph(authors: SimpleNamespace, points: np.ndarray, adjacency, k: int):
    """Their ``NeighborsPathGenerator`` over a k-NN graph we already have.

    Their constructor's only heavy step is the exact k-NN graph (timed on its own); this
    sets the attributes it would have set from that graph instead, so ``get_path`` runs its
    own code unchanged: "paths + integration for a given graph". They run Dijkstra with
    ``directed=False``, which makes their directed k-NN graph the symmetric one eigflow keeps
    (an edge where either end lists the other, weighted by the distance), so ``adjacency``
    may be eigflow's; ``k`` is the neighbour count of the path ends.
    """
    from sklearn.metrics import DistanceMetric
    from sklearn.neighbors import NearestNeighbors

    gen = authors.Neighbors.__new__(authors.Neighbors)
    gen._data = points
    gen._neighbors = NearestNeighbors(n_neighbors=k).fit(points.reshape(len(points), -1))
    gen._data_graph = adjacency.tocsr()
    gen.distance_metric = DistanceMetric.get_metric("minkowski", p=2)
    gen._get_linear_path = authors.Linear().get_path
    gen._est_min_npoints = None  # their constructor's safety bound; get_path never reads it
    return gen
