"""Neighbour paths: graph construction, Dijkstra routes, disconnected graphs."""
import os

import eigflow
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import TanhAutoencoder
from eigflow.graph import exact_knn, self_knn
from scipy.sparse.csgraph import dijkstra


def _cloud(n=300, d=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)).astype(np.float32)


def test_paths_pass_only_through_graph_points_and_are_shortest():
    train = _cloud()
    graph = eigflow.NeighborGraph(train, k=6)
    rng = np.random.default_rng(1)
    starts, ends = rng.normal(size=(2, 5)).astype(np.float32), rng.normal(size=(3, 5)).astype(np.float32)
    pair_start, pair_end = np.array([0, 0, 1, 1, 0]), np.array([0, 1, 1, 2, 2])
    paths = graph.shortest_paths(starts, ends, pair_start, pair_end)
    for p, path in enumerate(paths):
        np.testing.assert_array_equal(path[0], starts[pair_start[p]])
        np.testing.assert_array_equal(path[-1], ends[pair_end[p]])
        interior = path[1:-1]
        # every interior vertex is a training point (padding repeats the end)
        for v in interior:
            assert np.any(np.all(train == v, axis=1)) or np.array_equal(v, path[-1])
        # independent check: add ONLY these two ends to the graph, undirected, and compare lengths
        n = len(train)
        s_idx, s_d = exact_knn(starts[pair_start[p]][None], train, 6)
        e_idx, e_d = exact_knn(ends[pair_end[p]][None], train, 6)
        rows = np.r_[np.full(6, n), np.full(6, n + 1)]
        cols = np.r_[s_idx[0], e_idx[0]]
        extra = sp.coo_matrix((np.r_[s_d[0], e_d[0]], (rows, cols)), shape=(n + 2, n + 2))
        g = sp.block_diag([graph.adjacency, sp.csr_matrix((2, 2))]) + extra
        g = g.maximum(g.T)
        expected = dijkstra(g, directed=False, indices=n)[n + 1]
        length = np.linalg.norm(np.diff(path, axis=0), axis=1).sum()
        assert length == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("d", [5, 100])
def test_self_knn_matches_scikit_learn_across_blocks(d):
    from sklearn.neighbors import NearestNeighbors

    points = _cloud(n=301, d=d, seed=d)
    idx, dist = self_knn(points, 7, block=64)  # 5 x 5 blocks: every merge path is taken
    ref_d, ref_i = NearestNeighbors(n_neighbors=7, algorithm="brute").fit(points).kneighbors()
    np.testing.assert_array_equal(idx, ref_i)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-4)


def test_o_n_ig_points_lie_on_graph_segments(mlp):
    rng = np.random.default_rng(2)
    train = rng.normal(size=(400, 12)).astype(np.float32)
    graph = eigflow.NeighborGraph(train, k=8)
    samples = rng.normal(size=(3, 12)).astype(np.float32)
    res = eigflow.attribute(mlp, samples, path="O-N-IG", baseline=train[:2], neighbors=graph,
                            n_steps=400, target=0)
    assert res.completeness_error.max() < 2e-3 * max(1.0, np.abs(res.output).max())
    # a neighbour path differs from the straight line: attributions differ from O-L-IG
    straight = eigflow.attribute(mlp, samples, path="O-L-IG", baseline=train[:2], n_steps=400, target=0)
    assert np.abs(res.attributions - straight.attributions).max() > 1e-3


def test_h_n_ig_runs_in_latent_space(mlp):
    rng = np.random.default_rng(3)
    train = rng.normal(size=(300, 12)).astype(np.float32)
    ae = TanhAutoencoder(12)
    graph = eigflow.NeighborGraph(train, k=8, autoencoder=ae)
    assert graph.embedding.shape == (300, 3)
    samples = rng.normal(size=(2, 12)).astype(np.float32)
    res = eigflow.attribute(mlp, samples, path="H-N-IG", baseline=train[5:7], neighbors=graph,
                            autoencoder=ae, n_steps=300, target=1)
    assert res.completeness_error.max() < 5e-3 * max(1.0, np.abs(res.output).max())
    with pytest.raises(ValueError, match="latent space"):
        eigflow.attribute(mlp, samples, path="H-N-IG", baseline=train[5:7],
                          neighbors=eigflow.NeighborGraph(train, k=8), autoencoder=ae)


def test_disconnected_graph_is_an_error_or_repaired():
    rng = np.random.default_rng(4)
    two_islands = np.concatenate([rng.normal(size=(50, 3)), rng.normal(size=(40, 3)) + 100]).astype(np.float32)
    with pytest.raises(eigflow.GraphDisconnectedError, match="2 connected components"):
        eigflow.NeighborGraph(two_islands, k=4)
    graph = eigflow.NeighborGraph(two_islands, k=4, connect=True)
    assert graph.bridges >= 1
    paths = graph.shortest_paths(two_islands[:1], two_islands[-1:], np.array([0]), np.array([0]))
    assert len(paths[0]) > 2


def test_pynndescent_graph_matches_exact_on_most_edges():
    train = _cloud(n=3000, d=8)
    approx = eigflow.NeighborGraph(train, k=10, exact=False)
    exact = eigflow.NeighborGraph(train, k=10, exact=True)
    shared = approx.adjacency.multiply(exact.adjacency).nnz / exact.adjacency.nnz
    assert shared > 0.9


def test_saved_graph_loads_back_with_its_routes(tmp_path, monkeypatch):
    train = _cloud(n=200)
    graph = eigflow.NeighborGraph(train, k=6, exact=True)
    graph.save(tmp_path / "graph.npz")
    with np.load(tmp_path / "graph.npz") as saved:
        assert sorted(saved.files) == ["bridges", "data", "embedding", "indices", "indptr", "k", "latent", "shape"]
    assert (tmp_path / "graph.npz").stat().st_mode & 0o777 == 0o666 & ~_umask()
    loaded = eigflow.NeighborGraph.load(tmp_path / "graph.npz")
    assert (loaded.adjacency != graph.adjacency).nnz == 0 and loaded.space == "input"
    baselines, samples = train[None, :2].repeat(3, axis=0), _cloud(n=3, seed=9)
    np.testing.assert_array_equal(loaded.routes(baselines, samples), graph.routes(baselines, samples))
    # A write that fails leaves neither the file nor its temporary behind.
    monkeypatch.setattr(np, "savez_compressed", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        graph.save(tmp_path / "again.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.npz"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
