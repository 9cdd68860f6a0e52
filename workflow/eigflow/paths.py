"""The four EIG paths: a registry of path specifications, and points spread along each path.

A path runs from a baseline x' (alpha = 0) to a sample x (alpha = 1). It is described by
vertices in *path space* -- the input space for O-* paths, an autoencoder's latent space
for H-* paths -- and ``n_steps`` points are then placed at equal arc length along it
in the input space, where the gradients are integrated:

- O-L-IG: the straight segment x' -> x (original Integrated Gradients).
- H-L-IG: the straight segment E(x') -> E(x) decoded by D, with the reconstruction error
  at both ends absorbed by straight joins x' -> D(E(x')) and D(E(x)) -> x.
- O-N-IG: the shortest path through a k-NN graph of training points (see
  :class:`eigflow.graph.NeighborGraph`), straight between consecutive points.
- H-N-IG: the same in latent space, decoded by D and joined like H-L-IG.

Each path is a :class:`PathSpec` in :data:`PATHS`, named by its two choices: the *space*
(input or latent) and the *route* (a line through the two ends, or a graph route through
training points). :func:`register_path` adds a fifth::

    eigflow.register_path(eigflow.PathSpec("O-M-IG", "input", "line", polyline=via_midpoint))

All functions work on a batch of paths at once (first axis), with no Python loop over
path points.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

import torch

from ._checks import check_spec, check_spec_choice, register
from .autoencoder import decode_tensor, encode_tensor

SPACES = ("input", "latent")
ROUTES = ("line", "graph")


def straight(starts: torch.Tensor, ends: torch.Tensor) -> torch.Tensor:
    """The straight segment of each pair: (P, q) starts and ends -> (P, 2, q) vertices."""
    return torch.stack([starts, ends], dim=1)


@dataclass(frozen=True)
class PathSpec:
    """How a path is built: which space its vertices live in and how they are routed.

    Parameters
    ----------
    name : str
        The ``path=`` name that :func:`eigflow.attribute` looks up in :data:`PATHS`.
    space : {"input", "latent"}
        Where the path's vertices live. A latent path needs an ``autoencoder``: its
        vertices are decoded to input space and joined to the exact ends.
    route : {"line", "graph"}
        ``"line"``: the vertices are ``polyline`` of the two ends alone. ``"graph"``: the
        shortest route between the ends through a :class:`eigflow.NeighborGraph` built in
        the same ``space``, passed to :func:`eigflow.attribute` as ``neighbors``.
    polyline : callable, optional
        For line routes: (P, q) starts and (P, q) ends in path space -> (P, V, q)
        vertices from start to end; by default :func:`straight`.
    """

    name: str
    space: Literal["input", "latent"]
    route: Literal["line", "graph"]
    polyline: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = straight

    def __post_init__(self):
        check_spec(self, polyline=self.polyline)
        check_spec_choice(self, "space", SPACES)
        check_spec_choice(self, "route", ROUTES)

    @property
    def needs_autoencoder(self) -> bool:
        return self.space == "latent"

    @property
    def needs_graph(self) -> bool:
        return self.route == "graph"

    def points(self, starts: torch.Tensor, ends: torch.Tensor, n_steps: int, autoencoder=None,
               shape: tuple = (), vertices: torch.Tensor | None = None) -> torch.Tensor:
        """``n_steps`` input-space points along the path of each (start, end) pair.

        Parameters
        ----------
        starts, ends : (P, d) tensors
            Baselines and samples, flattened.
        n_steps : int
        autoencoder : object with ``encode`` and ``decode``, optional
            Required by latent paths.
        shape : tuple
            The model's point shape, ``prod(shape) == d``.
        vertices : (P, V, q) tensor, optional
            Required by graph routes: each pair's vertices in path space, from
            :meth:`eigflow.NeighborGraph.routes`.

        Returns
        -------
        (P, n_steps, d) tensor whose first and last points are exactly ``starts`` and ``ends``.
        """
        if self.space == "input":
            if vertices is None:
                return input_space_path(self.polyline(starts, ends), n_steps)
            # A graph route holds the ends as the graph stored them; put the exact ends back in.
            vertices = vertices.clone()
            vertices[:, 0], vertices[:, -1] = starts, ends
            return input_space_path(vertices, n_steps)
        if vertices is None:
            vertices = self.polyline(encode_tensor(autoencoder, starts.reshape(len(starts), *shape)),
                                     encode_tensor(autoencoder, ends.reshape(len(ends), *shape)))
        decode = lambda z: decode_tensor(autoencoder, z, shape).reshape(len(z), -1)  # noqa: E731
        return decoded_path(starts, ends, vertices, decode, n_steps)


PATHS: dict[str, PathSpec] = {spec.name: spec for spec in (
    PathSpec("O-L-IG", "input", "line"),
    PathSpec("H-L-IG", "latent", "line"),
    PathSpec("O-N-IG", "input", "graph"),
    PathSpec("H-N-IG", "latent", "graph"),
)}


def register_path(spec: PathSpec, replace: bool = False) -> PathSpec:
    """Add ``spec`` to :data:`PATHS`, so that ``attribute(path=spec.name)`` finds it.

    A name already registered is an error unless ``replace``; remove a path again with
    ``PATHS.pop(name)``.
    """
    return register(PATHS, spec, PathSpec, "path", replace)


def spread_evenly(vertices: torch.Tensor, n_points: int):
    """Place ``n_points`` at equal arc length along polylines.

    Parameters
    ----------
    vertices : (P, V, k) tensor
        ``P`` polylines of ``V`` vertices each; zero-length segments (padding by repeating
        the last vertex) are allowed.
    n_points : int
        Points per polyline, both ends included.

    Returns
    -------
    points : (P, n_points, k) tensor
    segment : (P, n_points) long tensor
        Index ``i`` of the segment (vertex i -> i+1) each point lies on.
    fraction : (P, n_points) tensor
        Position of each point within its segment, in [0, 1].
    """
    P, V, _ = vertices.shape
    if V == 1:
        vertices = torch.cat([vertices, vertices], dim=1)
        V = 2
    lengths = (vertices[:, 1:] - vertices[:, :-1]).norm(dim=-1)  # (P, V-1)
    cumulative = torch.cat([lengths.new_zeros(P, 1), lengths.cumsum(dim=1)], dim=1)  # (P, V)
    grid = torch.linspace(0, 1, n_points, dtype=vertices.dtype, device=vertices.device)
    targets = grid[None, :] * cumulative[:, -1:]  # (P, n)
    # right=True skips zero-length segments: a target equal to a vertex lands on the
    # first segment that actually starts there.
    segment = (torch.searchsorted(cumulative.contiguous(), targets.contiguous(), right=True) - 1)
    segment = segment.clamp(0, V - 2)
    seg_len = lengths.gather(1, segment)
    seg_start = cumulative.gather(1, segment)
    fraction = torch.where(seg_len > 0, (targets - seg_start) / seg_len.clamp_min(1e-30),
                           torch.zeros_like(targets)).clamp(0, 1)
    points = torch.lerp(_gather_vertices(vertices, segment), _gather_vertices(vertices, segment + 1),
                        fraction[..., None])
    return points, segment, fraction


def _gather_vertices(vertices: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """``vertices[p, index[p, i]]`` as (P, n, k): whole rows copied by one index_select (a
    gather with an index expanded over k reads an index per element, several times slower)."""
    P, V, k = vertices.shape
    rows = index + V * torch.arange(P, device=index.device)[:, None]
    return vertices.reshape(P * V, k).index_select(0, rows.reshape(-1)).reshape(*index.shape, k)


def input_space_path(vertices: torch.Tensor, n_steps: int) -> torch.Tensor:
    """O-L-IG / O-N-IG: ``n_steps`` points evenly along polylines in input space.

    ``vertices`` is (P, V, d) with the baseline first and the sample last; returns
    (P, n_steps, d) whose first and last points are exactly those ends.
    """
    points, _, _ = spread_evenly(vertices, n_steps)
    points[:, 0] = vertices[:, 0]
    points[:, -1] = vertices[:, -1]
    return points


def decoded_path(baseline: torch.Tensor, sample: torch.Tensor, latent_vertices: torch.Tensor,
                 decode: Callable[[torch.Tensor], torch.Tensor], n_steps: int) -> torch.Tensor:
    """H-L-IG / H-N-IG: a latent polyline decoded to input space, joined to the true ends.

    Parameters
    ----------
    baseline, sample : (P, d) tensors
        The true end points x' and x in input space.
    latent_vertices : (P, V, z) tensor
        The path in latent space from E(x') to E(x).
    decode : callable
        (m, z) -> (m, d).
    n_steps : int

    Returns
    -------
    (P, n_steps, d) tensor of points on x' -> D(path) -> x, at equal input-space arc length.

    Notes
    -----
    Two passes: the latent polyline is first decoded at ``n_steps`` points evenly spaced in
    latent space to measure the decoded curve's input-space arc length; each final point is
    then decoded again from the latent position that puts it at its share of that length,
    so every interior point lies on the decoded curve itself, not on a chord of it.
    """
    P, _, z = latent_vertices.shape
    d = baseline.shape[1]
    dense_latent, _, _ = spread_evenly(latent_vertices, n_steps)  # (P, m, z)
    m = dense_latent.shape[1]
    dense = decode(dense_latent.reshape(P * m, z)).reshape(P, m, d)
    curve = torch.cat([baseline[:, None], dense, sample[:, None]], dim=1)  # (P, m + 2, d)
    linear_points, segment, fraction = spread_evenly(curve, n_steps)
    # Curve segment i (i in 1..m-1) joins decoded points i-1 and i of the dense latent path.
    on_decoded = (segment >= 1) & (segment <= m - 1)
    latent_index = (segment - 1).clamp(0, m - 2)
    latent_points = torch.lerp(_gather_vertices(dense_latent, latent_index),
                               _gather_vertices(dense_latent, latent_index + 1), fraction[..., None])
    decoded = decode(latent_points.reshape(P * n_steps, z)).reshape(P, n_steps, d)
    points = torch.where(on_decoded[..., None], decoded, linear_points)
    points[:, 0] = baseline
    points[:, -1] = sample
    return points
