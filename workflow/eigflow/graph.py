"""k-nearest-neighbour graphs of training points and shortest paths through them (O-N-IG, H-N-IG).

The graph is built once (pynndescent from the ``ann`` extra, or exact search for small
sets), symmetrised, and weighted by Euclidean distance. Paths for many (baseline, sample)
pairs are found with one multi-source Dijkstra call per block of distinct baselines: each
baseline only has edges *out* to its k nearest graph points and each sample only edges
*in* from its k nearest, so all ends can sit in one graph without any path routing
through another sample or baseline -- each path is exactly the one the paper defines by
adding its two ends alone.
"""
from __future__ import annotations

import logging
import time

import numpy as np
import scipy.sparse as sp
import torch
from scipy.sparse.csgraph import connected_components, dijkstra

from ._checks import as_float_array, import_extra
from .io import load_npz, save_npz
from .autoencoder import encode_numpy

log = logging.getLogger(__name__)

# Exact k-NN while n^2 * d stays below this: about 30 s of float32 GEMM on two cores, which
# is what pynndescent spends compiling its numba kernels in every new process (measured:
# 40 s of 50 s for its whole index of 88,752 x 1,357 points). Latent graphs (d <= 32) are
# exact at any size the paper needs.
EXACT_WORK = 6e12
# At most this many features, exact neighbours come from a KD-tree (and distances from
# differences, not the GEMM expansion, which loses precision there).
FEW_DIMENSIONS = 32
# Dijkstra keeps a dense (sources x nodes) distance and predecessor table per block.
SOURCES_PER_BLOCK = 64


class GraphDisconnectedError(ValueError):
    """The k-NN graph has more than one connected component."""


class NeighborGraph:
    """k-NN graph over training points, in input space or in an autoencoder's latent space.

    Parameters
    ----------
    points : (n, *shape) array
        Training points (input space).
    k : int
        Neighbours per point; the graph is symmetrised (an edge if either end lists the other).
    autoencoder : object with ``encode``/``decode``, optional
        Given, the graph lives in latent space (H-N-IG); otherwise in input space (O-N-IG).
    exact : bool, optional
        Exact k-NN; default: exact while n^2 * d <= ``EXACT_WORK``, pynndescent above
        (``pip install eigflow[ann]``).
    connect : bool
        If the graph is disconnected: ``False`` (default) raises
        :class:`GraphDisconnectedError`; ``True`` joins every smaller component to the
        rest by its shortest possible edge (repeated until connected) and records how many
        edges that took in ``bridges``.
    seed : int
        Seed of pynndescent's random projection trees.
    """

    def __init__(self, points, k: int = 10, autoencoder=None, exact: bool | None = None,
                 connect: bool = False, seed: int = 0):
        pts = as_float_array(points, "points", 2)
        if k < 1 or k >= len(pts):
            raise ValueError(f"`k` must be in 1..{len(pts) - 1} for {len(pts)} points; got {k}")
        self.shape = pts.shape[1:]
        self.k = k
        self.autoencoder = autoencoder
        self.seed = seed
        started = time.perf_counter()
        self.embedding = (encode_numpy(autoencoder, pts) if autoencoder is not None
                          else pts.reshape(len(pts), -1))
        self.exact = len(pts) ** 2 * self.embedding.shape[1] <= EXACT_WORK if exact is None else exact
        self._index = None
        indices, distances = self._knn_graph()
        n = len(pts)
        rows = np.repeat(np.arange(n), indices.shape[1])
        # csgraph reads a stored 0 as "no edge": duplicate points keep a tiny positive weight.
        weights = np.maximum(distances.ravel(), 1e-12)
        adjacency = sp.coo_matrix((weights, (rows, indices.ravel())), shape=(n, n)).tocsr()
        self.adjacency = adjacency.maximum(adjacency.T).tocsr()
        self.bridges = 0
        self._check_connected(connect)
        self.build_seconds = time.perf_counter() - started
        log.info("k-NN graph: %d points, k=%d, %s, %.1f s", n, k,
                 "exact" if self.exact else "pynndescent", self.build_seconds)

    def save(self, path) -> None:
        """Write the graph (space, embedding, adjacency) to ``path`` (.npz), atomically."""
        adj = self.adjacency
        save_npz(path, embedding=self.embedding, shape=np.array(self.shape), k=self.k,
                 latent=self.autoencoder is not None, bridges=self.bridges, data=adj.data,
                 indices=adj.indices, indptr=adj.indptr)

    @classmethod
    def load(cls, path, autoencoder=None) -> "NeighborGraph":
        """Read a graph written by :meth:`save`; latent graphs need their ``autoencoder`` back.

        The loaded graph finds the neighbours of new path ends by exact search.
        """
        saved = load_npz(path)
        if bool(saved["latent"]) != (autoencoder is not None):
            raise ValueError(f"{path} holds a {'latent' if saved['latent'] else 'input'}-space graph; "
                             "pass the autoencoder it was built with exactly when it is latent")
        graph = cls.__new__(cls)
        graph.embedding, graph.shape = saved["embedding"], tuple(saved["shape"].tolist())
        graph.k, graph.bridges, graph.autoencoder = int(saved["k"]), int(saved["bridges"]), autoencoder
        graph.exact, graph._index, graph.seed, graph.build_seconds = True, None, 0, 0.0
        n = len(graph.embedding)
        graph.adjacency = sp.csr_matrix((saved["data"], saved["indices"], saved["indptr"]), shape=(n, n))
        return graph

    @property
    def n_points(self) -> int:
        return len(self.embedding)

    @property
    def space(self) -> str:
        """``"latent"`` for a graph built with an autoencoder, else ``"input"``."""
        return "input" if self.autoencoder is None else "latent"

    def _knn_graph(self):
        if self.exact:
            return self_knn(self.embedding, self.k)
        NNDescent = import_extra("pynndescent", "pynndescent", "ann",
                                 "an approximate k-NN graph (exact=False, the default above EXACT_WORK; "
                                 "exact=True needs no extra)").NNDescent

        # 15 candidates even for smaller k: NN-descent's recall falls with fewer (at 88,752
        # points, 0.997 of the exact 10 nearest with 15, 0.984 with 11).
        self._index = NNDescent(self.embedding, n_neighbors=max(self.k + 1, 15), random_state=self.seed,
                                n_jobs=torch.get_num_threads(), compressed=False)
        idx, dist = self._index.neighbor_graph
        # Drop each point's self-match (first column) and keep its k nearest others.
        return idx[:, 1:self.k + 1], dist[:, 1:self.k + 1]

    def _check_connected(self, connect: bool) -> None:
        n_comp, labels = connected_components(self.adjacency, directed=False)
        if n_comp == 1:
            return
        if not connect:
            sizes = np.bincount(labels)
            raise GraphDisconnectedError(
                f"the k-NN graph of {self.n_points} points with k={self.k} has {n_comp} connected "
                f"components (largest {sizes.max()} points, smallest {sizes.min()}); neighbour paths "
                "between components do not exist. Raise k, or pass connect=True to join each "
                "component to the rest by its shortest edge"
            )
        while n_comp > 1:
            extra_rows, extra_cols, extra_w = [], [], []
            for comp in range(n_comp):
                members = np.flatnonzero(labels == comp)
                others = np.flatnonzero(labels != comp)
                nearest, dist = exact_knn(self.embedding[members], self.embedding[others], 1)
                best = int(np.argmin(dist[:, 0]))
                extra_rows.append(members[best])
                extra_cols.append(others[nearest[best, 0]])
                extra_w.append(max(float(dist[best, 0]), 1e-12))
            bridge = sp.coo_matrix((extra_w, (extra_rows, extra_cols)), shape=self.adjacency.shape)
            self.adjacency = self.adjacency.maximum(bridge.maximum(bridge.T)).tocsr()
            self.bridges += n_comp
            n_comp, labels = connected_components(self.adjacency, directed=False)
        log.warning("k-NN graph was disconnected; joined with %d bridging edges", self.bridges)

    def embed(self, points) -> np.ndarray:
        """Points (n, *shape) in the graph's space: latent if the graph has an autoencoder."""
        pts = np.asarray(points, dtype=np.float32)
        if self.autoencoder is not None:
            return encode_numpy(self.autoencoder, pts)
        return pts.reshape(len(pts), -1)

    def neighbors_of(self, embedded: np.ndarray):
        """The k nearest graph points (indices, distances) of points already in graph space."""
        if self._index is None:
            return exact_knn(embedded, self.embedding, self.k)
        return self._index.query(embedded, k=self.k)

    def routes(self, baselines: np.ndarray, samples: np.ndarray) -> np.ndarray:
        """Graph-space vertices of the shortest route from every baseline to its sample.

        Parameters
        ----------
        baselines : (s, b, *shape) array
            Each sample's baselines; repeated baselines are routed from once.
        samples : (s, *shape) array

        Returns
        -------
        (s * b, V, q) float32 array, sample-major (row p joins baseline p % b to sample
        p // b); see :meth:`shortest_paths`.
        """
        s, b = baselines.shape[:2]
        flat = baselines.reshape(s * b, -1)
        unique, pair_start = np.unique(flat, axis=0, return_inverse=True)
        pair_end = np.repeat(np.arange(s), b)
        return self.shortest_paths(self.embed(unique.reshape(-1, *samples.shape[1:])), self.embed(samples),
                                   pair_start.ravel(), pair_end)

    def shortest_paths(self, starts: np.ndarray, ends: np.ndarray, pair_start: np.ndarray,
                       pair_end: np.ndarray) -> np.ndarray:
        """Vertices of the shortest graph path of every (start, end) pair, in graph space.

        Parameters
        ----------
        starts : (s, q) and ends : (e, q) arrays
            End points already in graph space (see :meth:`embed`).
        pair_start, pair_end : (P,) int arrays
            Which start and which end each path joins.

        Returns
        -------
        (P, V, q) float32 array: start, the graph points visited, end; shorter paths are
        padded by repeating their end, which adds zero-length segments only.

        Notes
        -----
        Each start is a node with edges *out* to its k nearest graph points (rows appended
        to the graph, nothing else copied); Dijkstra runs from a block of starts at once.
        An end is never added: its distance is the minimum over its k nearest graph points
        j of dist(j) + |j - end|, and that j is its predecessor. So no path can pass through
        another start or end, exactly as if each pair's two ends were added alone.
        """
        n, s = self.n_points, len(starts)
        nb, nb_d = self.neighbors_of(np.concatenate([starts, ends]))
        start_nb, start_d, end_nb, end_d = nb[:s], nb_d[:s], nb[s:], nb_d[s:]
        k = start_nb.shape[1]
        adj = self.adjacency
        # csgraph reads a stored 0 as "no edge": a start on a graph point keeps a tiny weight.
        graph = sp.csr_matrix((np.concatenate([adj.data, np.maximum(start_d.ravel(), 1e-12)]),
                               np.concatenate([adj.indices, start_nb.ravel()]),
                               np.concatenate([adj.indptr, adj.indptr[-1] + k * np.arange(1, s + 1)])),
                              shape=(n + s, n + s))
        start_nodes = n + np.arange(s)

        blocks = []  # (pair indices, their node routes)
        used = np.unique(pair_start)
        for block in range(0, len(used), SOURCES_PER_BLOCK):
            sources = used[block:block + SOURCES_PER_BLOCK]
            dist, pred = dijkstra(graph, directed=True, indices=start_nodes[sources],
                                  return_predecessors=True)
            pairs = np.flatnonzero(np.isin(pair_start, sources))
            rows = np.searchsorted(sources, pair_start[pairs])
            via = dist[rows[:, None], end_nb[pair_end[pairs]]] + end_d[pair_end[pairs]]  # (pairs, k)
            last = end_nb[pair_end[pairs], via.argmin(axis=1)]  # the graph point before the end
            unreachable = ~np.isfinite(via.min(axis=1))
            if unreachable.any():
                p = pairs[np.argmax(unreachable)]
                raise GraphDisconnectedError(f"no graph path from start {pair_start[p]} to end {pair_end[p]}")
            blocks.append((pairs, _walk_back(pred, rows, start_nodes[pair_start[pairs]], last,
                                             n + s + pair_end[pairs])))
        longest = max(routes.shape[1] for _, routes in blocks)
        padded = np.empty((len(pair_start), longest), dtype=np.int64)
        for pairs, routes in blocks:
            padded[pairs] = np.pad(routes, ((0, 0), (0, longest - routes.shape[1])), mode="edge")
        # Node ids: graph points, then starts, then ends; read rows without copying the graph.
        ends_table = np.concatenate([starts, ends]).astype(np.float32, copy=False)
        out = np.empty((*padded.shape, self.embedding.shape[1]), dtype=np.float32)
        inside = padded < n
        out[inside] = self.embedding[padded[inside]]
        out[~inside] = ends_table[padded[~inside] - n]
        return out


def _walk_back(predecessors: np.ndarray, rows: np.ndarray, sources: np.ndarray, targets: np.ndarray,
               ends: np.ndarray) -> np.ndarray:
    """Node routes source -> target -> end of many pairs from Dijkstra predecessors (one row
    per source): all pairs step back one hop at a time, a loop over hops rather than pairs.

    Returns (pairs, L) node indices, source first, each route padded by repeating its end.
    """
    hops = [targets]
    current = targets
    while (current != sources).any():
        current = np.where(current == sources, current, predecessors[rows, current])
        hops.append(current)
    table = np.stack(hops[::-1], axis=1)  # each row: copies of its source, then the route
    first = (table == sources[:, None]).argmin(axis=1) - 1  # the last copy of the source
    length = table.shape[1] - first
    position = np.arange(length.max() + 1)
    routes = np.take_along_axis(table, np.minimum(first[:, None] + position, table.shape[1] - 1), axis=1)
    return np.where(position >= length[:, None], ends[:, None], routes)


def exact_knn(queries: np.ndarray, points: np.ndarray, k: int, chunk: int = 2048):
    """Exact k nearest ``points`` of each query: (indices, distances), (q, k) each, nearest first."""
    pts = torch.from_numpy(np.ascontiguousarray(points, dtype=np.float32))
    pts_sq = _squared_norms(pts)
    k = min(k, len(pts))
    idx_parts, dist_parts = [], []
    for start in range(0, len(queries), chunk):
        q = torch.from_numpy(np.ascontiguousarray(queries[start:start + chunk], dtype=np.float32))
        top = _squared_distances(q, pts, _squared_norms(q), pts_sq).topk(k, dim=1, largest=False)
        idx_parts.append(top.indices.numpy())
        dist_parts.append(top.values.sqrt().numpy())
    return np.concatenate(idx_parts), np.concatenate(dist_parts)


def self_knn(points: np.ndarray, k: int, block: int = 2048):
    """Exact k nearest *other* points of every point: (indices, distances), (n, k) each.

    In few dimensions (latent spaces, d <= ``FEW_DIMENSIONS``) a KD-tree. Otherwise
    distances in blocks of ``block`` x ``block``: they are symmetric, so each block is
    computed once and serves both its rows and its columns, half the GEMM work of querying
    the points against themselves.
    """
    x = np.ascontiguousarray(points, dtype=np.float32)
    n = len(x)
    k = min(k, n - 1)
    if x.shape[1] <= FEW_DIMENSIONS:
        return _kd_tree_knn(x, k)
    x = torch.from_numpy(x)
    sq = _squared_norms(x)
    best_d = torch.full((n, k), float("inf"))
    best_i = torch.zeros((n, k), dtype=torch.long)
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        for lo2 in range(lo, n, block):
            hi2 = min(n, lo2 + block)
            dist = _squared_distances(x[lo:hi], x[lo2:hi2], sq[lo:hi], sq[lo2:hi2])
            if lo2 == lo:
                dist.fill_diagonal_(float("inf"))
            _keep_nearest(best_d, best_i, lo, hi, dist, lo2, dim=1)
            if lo2 != lo:
                _keep_nearest(best_d, best_i, lo2, hi2, dist, lo, dim=0)
    return best_i.numpy(), best_d.sqrt().numpy()


def _kd_tree_knn(x: np.ndarray, k: int):
    from scipy.spatial import cKDTree

    dist, idx = cKDTree(x).query(x, k=k + 1, workers=torch.get_num_threads())
    # Drop each point's own match; with duplicate points it need not come first.
    own = idx == np.arange(len(x))[:, None]
    own[~own.any(axis=1), -1] = True
    keep = ~own
    return idx[keep].reshape(len(x), k), dist[keep].reshape(len(x), k).astype(np.float32)


def _squared_norms(x):
    return torch.linalg.vector_norm(x, dim=1).square_()  # no (n, d) temporary


def _squared_distances(a, b, a_sq, b_sq):
    """(len(a), len(b)) squared Euclidean distances, norms given (computed once per set)."""
    if a.shape[1] <= FEW_DIMENSIONS:
        # |a|^2 + |b|^2 - 2ab cancels badly in few dimensions, where differences cost little.
        return torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist").square_()
    return torch.addmm(b_sq[None, :], a, b.T, alpha=-2).add_(a_sq[:, None]).clamp_(min=0)


def _keep_nearest(best_d, best_i, lo: int, hi: int, dist, offset: int, dim: int) -> None:
    """Merge candidate distances into the running k nearest of points lo:hi: the rows of
    ``dist`` (``dim=1``) or its columns (``dim=0``), whose other axis starts at ``offset``."""
    k = best_d.shape[1]
    top = dist.topk(min(k, dist.shape[dim]), dim=dim, largest=False)
    values, indices = (top.values, top.indices) if dim == 1 else (top.values.T, top.indices.T)
    merged_d = torch.cat([best_d[lo:hi], values], dim=1)
    merged_i = torch.cat([best_i[lo:hi], indices + offset], dim=1)
    keep = merged_d.topk(k, dim=1, largest=False, sorted=True)
    best_d[lo:hi] = keep.values
    best_i[lo:hi] = merged_i.gather(1, keep.indices)
