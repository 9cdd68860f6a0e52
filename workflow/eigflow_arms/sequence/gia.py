"""Global importance analysis (GIA; Koo et al. 2021, "Global importance analysis: an
interpretability method to quantify importance of genomic features in deep neural networks").

GIA asks a model a causal question: how much does a pattern change the prediction, on average
over sequences that are otherwise drawn from a null model? For a background x drawn from a
null model and x' the same background with the pattern embedded, the *local importance* is
f(x') - f(x); the *global importance* is its mean over the backgrounds (paper 003, Eq. 1:
E[f(X^phi) - f(X)]), and its spread over them says how much the context matters.

Null models (:data:`NULL_MODELS`), each drawn from a pool of real windows (here: exons that
change in no contrast, so the backgrounds carry no planted tissue signal of their own):

* ``profile``: every position drawn independently from the pool's nucleotide frequencies at
  that position (003's position-specific "profile" model; an N is drawn as often as the pool
  has one there);
* ``shuffle``: each 350-nt window of a real sequence shuffled, nucleotides only (Ns stay);
* ``dinucleotide-shuffle``: the same keeping every dinucleotide count (Altschul-Erickson, by
  tangermeme through :func:`eigflow.select_baselines`), each window on its own: two windows
  side by side are not contiguous RNA;
* ``observed``: the real windows themselves (003 also draws from real sequences and splits
  them by the model's score: ``quartile``).

Everything runs as tensors on the model's device: for a motif, the embedded batch of every
position x background is built in one :func:`embed` call and evaluated in large batches
(:func:`local_importance`); only positions are chunked, never backgrounds. A motif is embedded
at window starts every ``stride`` nt and never across a window's end (:func:`window_starts`).

:func:`rna_map` gives the in-silico RNA map of every motif on every output (E[PSI] logit of
each tissue, the changing logit of each contrast) and null model; :func:`planted_effects`
puts the planted program's effect per occurrence beside it and :func:`summarise` scores one
against the other. :func:`copies` embeds 1..k copies of a motif and two copies at a range of
spacings (003's Fig. 3 and 4); :func:`interaction` two different motifs, A and B, together
against each alone (003's Fig. 5: f(A+B) - f(A) - f(B) over the same backgrounds);
:func:`gc_control` random k-mers of every GC content beside the program's motifs (003's GC-bias
control: an effect that follows GC content alone is no motif's); :func:`variant_logo` every
single-nucleotide variant of a motif (003's GIA logos).
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr

from eigflow_arms.splicing.sequence import IUPAC

from .data import WIDTH, WINDOWS, one_hot
from .truth import planted_map

__all__ = ["NULL_MODELS", "BASES", "RNA_MAP_COLUMNS", "SUMMARY_COLUMNS", "COPIES_COLUMNS", "INTERACTION_COLUMNS",
           "instance", "consensus", "encode", "random_kmers", "patterns", "output_names", "background_pool", "prepare",
           "load_inputs", "copy_rbps", "backgrounds", "window_starts", "embed", "local_importance",
           "global_importance", "rna_map", "planted_effects", "summarise", "copies", "interaction_pairs",
           "interaction", "gc_kmers", "gc_control", "variant_logo"]

log = logging.getLogger(__name__)

NULL_MODELS = ("profile", "shuffle", "dinucleotide-shuffle", "observed")
BASES = "ACGU"
RNA_MAP_COLUMNS = ["model", "rbp", "kind", "decoy", "instance", "null", "window", "position", "region", "output",
                   "tissue", "effect", "sd", "planted_effect"]
SUMMARY_COLUMNS = ["model", "rbp", "kind", "decoy", "output", "tissue", "n_regions", "sign_agreement",
                   "sign_agreement_min", "spearman", "robust", "inside_band", "max_abs_effect"]
INTERACTION_COLUMNS = ["model", "rbp_a", "rbp_b", "instance_a", "instance_b", "region", "distance", "null", "output",
                       "tissue", "effect_a", "effect_b", "effect_ab", "interaction", "interaction_sd",
                       "planted_ab"]
LOGO_COLUMNS = ["model", "rbp", "instance", "region", "offset", "base", "null", "output", "tissue", "effect",
                "planted_effect"]
GC_COLUMNS = ["model", "pattern", "kind", "gc", "null", "output", "tissue", "effect", "sd"]
COPIES_COLUMNS = ["model", "rbp", "instance", "experiment", "copies", "spacing", "region", "null", "output",
                  "tissue", "effect", "sd", "planted_effect"]


# -- patterns -------------------------------------------------------------------------------
def instance(motif: str, rng: np.random.Generator) -> str:
    """One sequence of the IUPAC ``motif``: each degenerate position a letter drawn from the
    ones it allows (YCAY -> UCAC, say); a plain motif is itself."""
    motif = motif.upper().replace("T", "U")
    unknown = [c for c in motif if c not in IUPAC]
    if unknown:
        raise ValueError(f"motif {motif!r} is not IUPAC: {unknown[0]!r}")
    return "".join(rng.choice(sorted(IUPAC[c])) for c in motif)


def consensus(matrix) -> str:
    """The most probable letter of each column of a (w, 4) probability matrix (A C G U)."""
    return "".join(BASES[i] for i in np.asarray(matrix).argmax(axis=1))


def encode(sequence: str) -> np.ndarray:
    """(4, k) float32 one-hot of an RNA string (T read as U)."""
    sequence = sequence.upper().replace("T", "U")
    if any(c not in BASES for c in sequence):
        raise ValueError(f"pattern {sequence!r} has a letter other than {BASES}")
    return (np.array(list(sequence))[None, :] == np.array(list(BASES))[:, None]).astype(np.float32)


def random_kmers(length: int, n: int, rng: np.random.Generator) -> list[str]:
    """``n`` uniformly random ``length``-mers: patterns with no meaning, whose global importance
    is the null band a motif's must leave to mean something."""
    return ["".join(rng.choice(list(BASES), length)) for _ in range(n)]


def patterns(program, collection: dict, n_decoys: int | None, n_random: int, seed: int) -> pd.DataFrame:
    """What the RNA map embeds: one seeded instance of each program RBP's motif (kind
    ``program``), the consensus of the collection's motifs the program does not hold (``decoy``;
    the first ``n_decoys`` in the file's order, all when None), and ``n_random`` random k-mers of
    each length among them (``random``, the null band of :func:`summarise`)."""
    rng = np.random.default_rng([seed, 1])
    rows = [(r.name, "program", instance(r.motif, rng)) for r in program]
    decoys = [name for name in collection if name not in program.names()]
    rows += [(name, "decoy", consensus(collection[name])) for name in decoys[:n_decoys]]
    for length in sorted({len(text) for _, _, text in rows}):
        rows += [(f"random{length}_{i}", "random", kmer)
                 for i, kmer in enumerate(random_kmers(length, n_random, rng))]
    return pd.DataFrame(rows, columns=["rbp", "kind", "instance"])


def output_names(tissues, contrast_tissues) -> list[str]:
    """Names of :class:`~eigflow_arms.sequence.model.SequenceCNN`'s outputs: the E[PSI] logit of
    each tissue, then each contrast's changing logit."""
    return [f"psi:{t}" for t in tissues] + [f"change:{t}" for t in contrast_tissues]


def background_pool(x: np.ndarray, unchanged: np.ndarray, scores=None, quartile: int | None = None) -> np.ndarray:
    """The real windows the null models draw from: the exons of ``unchanged`` (those that change
    in no contrast), or of them only the ``quartile`` (1: lowest .. 4: highest) of ``scores``,
    the model's output on those exons (003 contrasts backgrounds by the model's score).

    Raises
    ------
    ValueError
        When no exon is left.
    """
    pool = np.asarray(x)[np.asarray(unchanged, dtype=bool)]
    if quartile is not None:
        edges = np.quantile(scores, [0.25 * (quartile - 1), 0.25 * quartile])
        pool = pool[(scores >= edges[0]) & (scores <= edges[1])]
    if len(pool) == 0:
        raise ValueError("no exon changes in no contrast: GIA has no real windows to draw backgrounds from; "
                         "tighten splicing.changing")
    return pool


def prepare(data: dict, splicing: dict, cnn, contrasts, *, dpsi: float, probability: float,
            quartile: int | None = None) -> tuple[np.ndarray, list[str]]:
    """The background pool (:func:`background_pool`, scored by the first contrast's logit) and
    the output names of the sequence arm's CNN ``cnn`` on ``data`` (``dataset.npz``) and the
    splicing dataset ``splicing``, changing as ``splicing.changing`` says."""
    from . import arm, model

    unchanged = ~arm.changes(splicing, contrasts, dpsi, probability).any(axis=1)
    x = one_hot(data["codes"][unchanged])
    scores = model.predict(cnn, x)[:, cnn.n_tissues] if quartile is not None else None
    pool = background_pool(x, np.ones(len(x), dtype=bool), scores, quartile)
    return pool, output_names(data["tissues"], [tissue for tissue, _ in contrasts])


def load_inputs(files, params):
    """What every GIA rule starts from (workflow/rules/gia.smk): from ``files`` (model, data,
    splicing, program) and ``params`` (gia, contrasts, changing, gpus), the CNN on the job's
    device, the program, the background pool and output names (:func:`prepare`) and the
    contrasts' tissues."""
    from eigflow_arms.common import io, jobs
    from eigflow_arms.splicing.program import read_program

    from . import model

    cnn, _ = model.load(files.model)
    contrasts = [tuple(c) for c in params.contrasts]
    pool, outputs = prepare(io.load_npz(files.data), io.load_npz(files.splicing), cnn, contrasts,
                            quartile=params.gia["quartile"], **params.changing)
    return (cnn.to(jobs.job_device(params.gpus)), read_program(files.program), pool, outputs,
            [tissue for tissue, _ in contrasts])


def copy_rbps(program, contrast_tissues, rbps=None) -> list[str]:
    """The RBPs of the copies experiment: ``rbps``, or every regulator of a contrast (program order)."""
    if rbps is not None:
        return list(rbps)
    chosen = {name for tissue in contrast_tissues for name in program.differential_rbps(tissue)}
    return [name for name in program.names() if name in chosen]


# -- null models ----------------------------------------------------------------------------
def _windows(x: np.ndarray) -> np.ndarray:
    """(m, 4, W*WIDTH) -> (m*W, 4, WIDTH): each splice-site window a sequence of its own."""
    m = len(x)
    return x.reshape(m, 4, len(WINDOWS), WIDTH).transpose(0, 2, 1, 3).reshape(m * len(WINDOWS), 4, WIDTH)


def _joined(windows: np.ndarray, m: int) -> np.ndarray:
    return windows.reshape(m, len(WINDOWS), 4, WIDTH).transpose(0, 2, 1, 3).reshape(m, 4, len(WINDOWS) * WIDTH)


def backgrounds(null: str, pool: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` backgrounds (n, 4, L) float32 drawn from null model ``null`` of the real windows
    ``pool`` (m, 4, L); seeded by ``seed`` and the null model, so each model's draw stands alone.

    Raises
    ------
    ValueError
        For an unknown null model or an empty pool.
    """
    if null not in NULL_MODELS:
        raise ValueError(f"null model {null!r}: choose from {list(NULL_MODELS)}")
    pool = np.asarray(pool, dtype=np.float32)
    if len(pool) == 0:
        raise ValueError("the pool of real windows is empty; GIA's null models are drawn from it")
    rng = np.random.default_rng([seed, NULL_MODELS.index(null)])
    if null == "profile":
        frequency = pool.mean(axis=0)                                      # (4, L); N takes the rest
        draw = (rng.random((n, 1, pool.shape[2])) > np.cumsum(frequency, axis=0)[None]).sum(axis=1)
        return (draw[:, None, :] == np.arange(4)[None, :, None]).astype(np.float32)   # 4 (N): all zero
    chosen = pool[rng.choice(len(pool), n, replace=len(pool) < n)]
    if null == "observed":
        return chosen
    windows = _windows(chosen)
    if null == "shuffle":
        for row in windows:                      # building, not evaluating: one window at a time is cheap
            letters = np.flatnonzero(row.any(axis=0))
            row[:, letters] = row[:, rng.permutation(letters)]
    else:
        from eigflow import select_baselines

        windows = select_baselines("dinucleotide-shuffle", n=1, samples=windows,
                                   seed=int(rng.integers(2**31)))[:, 0]
    return _joined(np.ascontiguousarray(windows, dtype=np.float32), n)


# -- embedding and evaluation ----------------------------------------------------------------
def window_starts(width: int, stride: int) -> np.ndarray:
    """Columns where a ``width``-nt pattern starts every ``stride`` nt of each window, ending
    inside it."""
    if not 1 <= width <= WIDTH:
        raise ValueError(f"a pattern of {width} nt does not fit a {WIDTH}-nt window")
    within = np.arange(0, WIDTH - width + 1, stride)
    return (np.arange(len(WINDOWS))[:, None] * WIDTH + within[None, :]).ravel()


def embed(background: torch.Tensor, patterns: list, starts: torch.Tensor) -> torch.Tensor:
    """Every background with the patterns embedded: (P, B, 4, L).

    Parameters
    ----------
    background : (B, 4, L) tensor
    patterns : J (4, k_j) one-hot tensors, on ``background``'s device
    starts : (P, J) long tensor
        Row p embeds pattern j at column ``starts[p, j]`` of every background (a later pattern
        overwrites an earlier one where they overlap).
    """
    n_rows, length = len(starts), background.shape[-1]
    rows = torch.arange(n_rows, device=background.device)[:, None]
    mask = torch.zeros(n_rows, length, dtype=torch.bool, device=background.device)
    inserted = torch.zeros(n_rows, background.shape[1], length, dtype=background.dtype, device=background.device)
    for j, pattern in enumerate(patterns):
        columns = starts[:, j, None] + torch.arange(pattern.shape[1], device=background.device)[None]
        if columns.max() >= length or columns.min() < 0:
            raise ValueError(f"pattern {j} placed beyond the sequence's {length} columns")
        mask[rows, columns] = True
        inserted[rows.expand_as(columns), :, columns] = pattern.T.to(background.dtype)[None].expand(n_rows, -1, -1)
    return torch.where(mask[:, None, None, :], inserted[:, None], background[None])


def _device(model: torch.nn.Module, device) -> torch.device:
    if device is not None:
        return torch.device(device)
    parameter = next(iter(model.parameters()), None)
    return parameter.device if parameter is not None else torch.device("cpu")


def _outputs(model, x: torch.Tensor) -> torch.Tensor:
    y = model(x)
    return y[:, None] if y.ndim == 1 else y


def local_importance(model: torch.nn.Module, background, patterns: list, starts, *, batch_size: int = 4096,
                     device=None) -> torch.Tensor:
    """(P, B, K) f(x with the patterns at row p's starts) - f(x) for every background x.

    ``background`` (B, 4, L) array or tensor, ``patterns`` J (4, k_j) one-hot arrays, ``starts``
    (P, J) columns (:func:`embed`); ``model`` maps (m, 4, L) to (m,) or (m, K). Runs on the
    model's device (or ``device``), in batches of about ``batch_size`` sequences: as many rows of
    P as fit, every background at once.
    """
    dev = _device(model, device)
    model.eval()
    background = torch.as_tensor(np.asarray(background, dtype=np.float32), device=dev)
    patterns = [torch.as_tensor(np.asarray(p, dtype=np.float32), device=dev) for p in patterns]
    starts = torch.as_tensor(np.asarray(starts, dtype=np.int64).reshape(len(starts), -1), device=dev)
    n_background = len(background)
    chunk = max(1, batch_size // n_background)
    with torch.no_grad():
        before = _outputs(model, background)
        out = []
        for first in range(0, len(starts), chunk):
            x = embed(background, patterns, starts[first:first + chunk])
            out.append(_outputs(model, x.reshape(-1, *background.shape[1:])).reshape(len(x), n_background, -1)
                       - before[None])
    return torch.cat(out)


def global_importance(model, background, patterns, starts, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """(P, K) mean and standard deviation over the backgrounds of :func:`local_importance`."""
    local = local_importance(model, background, patterns, starts, **kwargs).double()
    sd = local.std(dim=1) if local.shape[1] > 1 else torch.zeros_like(local[:, 0])
    return local.mean(dim=1).cpu().numpy(), sd.cpu().numpy()


# -- the in-silico RNA map ------------------------------------------------------------------
def _output_columns(outputs) -> tuple[list[str], list[str]]:
    """Output names ``"psi:<tissue>"`` / ``"change:<tissue>"`` split into (kind, tissue)."""
    kinds, tissues = zip(*(name.split(":", 1) for name in outputs))
    return list(kinds), list(tissues)


def rna_map(model, pool, patterns: pd.DataFrame, outputs, layout: dict, *, nulls=NULL_MODELS,
            n_backgrounds: int = 32, stride: int = 10, seed: int = 0, batch_size: int = 4096,
            device=None) -> pd.DataFrame:
    """The in-silico RNA map: the global importance of every pattern at every window start.

    Parameters
    ----------
    model : maps (m, 4, L) one-hot RNA to (m, K) outputs named ``outputs`` (K ``"psi:<tissue>"``
        or ``"change:<tissue>"``)
    pool : (m, 4, L) real windows the null models draw from (:func:`backgrounds`)
    patterns : DataFrame with rbp, kind (``program``, ``decoy`` or ``random``), instance (the RNA
        embedded)
    layout : :func:`eigflow_arms.sequence.data.layout` (window, position, region of each column)

    Returns
    -------
    DataFrame with the columns of :data:`RNA_MAP_COLUMNS` but planted_effect and model, one
    row per pattern, null model, start (window name, position of the pattern's first nt from
    the splice site, region there) and output: effect (global importance) and sd (its spread
    over the backgrounds).
    """
    kinds, tissues = _output_columns(outputs)
    window_names = np.asarray(WINDOWS)[np.asarray(layout["window"])]
    tables = []
    for null in nulls:
        background = backgrounds(null, pool, n_backgrounds, seed)
        for row in patterns.itertuples():
            starts = window_starts(len(row.instance), stride)
            mean, sd = global_importance(model, background, [encode(row.instance)], starts[:, None],
                                         batch_size=batch_size, device=device)
            k = mean.shape[1]
            tables.append(pd.DataFrame({
                "rbp": row.rbp, "kind": row.kind, "decoy": row.kind == "decoy", "instance": row.instance,
                "null": null, "window": np.repeat(window_names[starts], k),
                "position": np.repeat(np.asarray(layout["position"])[starts], k),
                "region": np.repeat(np.asarray(layout["region"])[starts], k),
                "output": np.tile(kinds, len(starts)), "tissue": np.tile(tissues, len(starts)),
                "effect": mean.ravel(), "sd": sd.ravel()}))
        log.info("GIA under the %s null model: %d patterns", null, len(patterns))
    return pd.concat(tables, ignore_index=True)


def planted_effects(table: pd.DataFrame, program) -> np.ndarray:
    """(rows,) the planted change of each output per occurrence of the row's RBP in its region:
    on the E[PSI] logit of tissue t, the RBP's effect there times its activity in t (the
    simulator adds activity x effect per occurrence to the inclusion log-odds); on a contrast's
    changing logit, the effect times the activity in its tissue minus the median of the other
    tissues' (:func:`~eigflow_arms.sequence.truth.planted_map`'s ``weighted``). 0 for RBPs the
    program does not hold (decoys, random k-mers)."""
    activity = program.activities()
    out = np.zeros(len(table))
    names = program.names()
    for (rbp, output, tissue), rows in table.groupby(["rbp", "output", "tissue"]).groups.items():
        if rbp not in names:
            continue
        effect = rows.map(lambda i: program.rbp(rbp).effects.get(table.at[i, "region"], 0.0)).to_numpy(float)
        if output == "psi":
            scale = activity[program.index(rbp), program.tissue_index(tissue)]
        else:
            truth = planted_map(program, tissue, min_change=0.0)
            scale = truth.loc[truth.rbp == rbp, "activity_difference"].iloc[0]
        out[table.index.get_indexer(rows)] = effect * scale
    return out


def _sign_table(table: pd.DataFrame, keys: list, min_effect: float) -> pd.DataFrame:
    """Per keys, null model and region where |planted| >= ``min_effect``: the mean effect over the
    region's starts and the planted effect (constant over a region)."""
    tested = table[table.planted_effect.abs() >= min_effect]
    return tested.groupby([*keys, "null", "region"], as_index=False).agg(
        effect=("effect", "mean"), planted=("planted_effect", "first"))


def summarise(table: pd.DataFrame, min_effect: float = 0.3, band: float = 0.95) -> pd.DataFrame:
    """Score in-silico RNA maps against the planted program, for each model of ``table``.

    Parameters
    ----------
    table : DataFrame with at least model, rbp, null, region, output, tissue, effect,
        planted_effect (the columns of :data:`RNA_MAP_COLUMNS`; kind and decoy default to
        ``program`` / False). Rows of kind ``random`` are the null band, not scored.
    min_effect : regions scored for sign are those where |planted effect| >= this (log-odds per
        occurrence).
    band : the central share of the random patterns' effects (per model, null model and
        output) that counts as "no effect".

    Returns
    -------
    One row per model, pattern, output and tissue (:data:`SUMMARY_COLUMNS`): n_regions scored
    for sign; sign_agreement, the share of (region, null model) pairs whose mean effect has the
    planted sign, and sign_agreement_min, the worst null model's share; spearman, the mean over
    null models of the rank correlation of effect and planted effect over every start (NaN where
    the planted effect is constant); robust, whether every scored region has one sign in every
    null model; inside_band, the share of (start, null model) effects inside the random patterns'
    band (NaN without random patterns); max_abs_effect.
    """
    table = table.assign(kind=table.get("kind", "program"), decoy=table.get("decoy", False))
    keys = ["model", "rbp", "kind", "decoy", "output", "tissue"]
    low, high = (1 - band) / 2, 1 - (1 - band) / 2
    limits = (table[table.kind == "random"].groupby(["model", "null", "output", "tissue"]).effect
              .quantile([low, high]).unstack().rename(columns={low: "low", high: "high"}).reset_index())
    scored = table[table.kind != "random"].merge(limits, on=["model", "null", "output", "tissue"], how="left")
    scored["inside"] = np.where(scored.low.isna(), np.nan,
                                (scored.effect >= scored.low) & (scored.effect <= scored.high))
    signs = _sign_table(scored, keys, min_effect)
    signs["agree"] = np.sign(signs.effect) == np.sign(signs.planted)
    per_null = signs.groupby([*keys, "null"]).agree.mean()
    one_sign = signs.groupby([*keys, "region"]).effect.agg(lambda e: bool((e > 0).all() or (e < 0).all()))

    def rank(group):
        if group.planted_effect.nunique() < 2 or group.effect.nunique() < 2:
            return np.nan
        return spearmanr(group.effect, group.planted_effect)[0]

    spearman = scored.groupby([*keys, "null"]).apply(rank, include_groups=False).groupby(level=keys).mean()
    out = scored.groupby(keys).agg(inside_band=("inside", "mean"),
                                   max_abs_effect=("effect", lambda e: e.abs().max()))
    out["n_regions"] = signs.groupby(keys).region.nunique().reindex(out.index).fillna(0).astype(int)
    out["sign_agreement"] = signs.groupby(keys).agree.mean().reindex(out.index)
    out["sign_agreement_min"] = per_null.groupby(level=keys).min().reindex(out.index)
    out["spearman"] = spearman.reindex(out.index)
    out["robust"] = one_sign.groupby(level=keys).all().reindex(out.index)
    return out.reset_index()[SUMMARY_COLUMNS]


# -- copies and spacing ---------------------------------------------------------------------
def _strongest_region(rbp, layout: dict) -> tuple[str, int, int]:
    """The region where ``rbp`` acts most strongly, and the first column and width of its first
    stretch in the windows."""
    region = max(rbp.effects, key=lambda r: abs(rbp.effects[r]))
    columns = np.flatnonzero(np.asarray(layout["region"]) == region)
    # A region can span two windows side by side (A ends one window and starts the next).
    stretch = columns[columns // WIDTH == columns[0] // WIDTH]
    return region, int(stretch[0]), len(stretch)


def copies(model, pool, program, rbps, outputs, layout: dict, *, null: str, max_copies: int, spacing: int,
           spacings, n_backgrounds: int, seed: int, batch_size: int = 4096, device=None) -> pd.DataFrame:
    """GIA of motif copies and spacing, in the region where each RBP acts most strongly.

    ``experiment`` ``copies``: 1..``max_copies`` copies of the RBP's instance, starts ``spacing``
    nt apart; ``spacing``: two copies whose starts are each of ``spacings`` nt apart. Each set of
    copies is centred in the region (clipped to its window). Returns :data:`COPIES_COLUMNS` but
    model; planted_effect is the planted effect per occurrence times the copies (the simulator
    adds them up), so a model that counts sites draws a straight line.
    """
    kinds, tissues = _output_columns(outputs)
    background = backgrounds(null, pool, n_backgrounds, seed)
    rng = np.random.default_rng([seed, 3])
    tables = []
    for name in rbps:
        rbp = program.rbp(name)
        pattern = instance(rbp.motif, rng)
        region, first, width = _strongest_region(rbp, layout)
        window_end = (first // WIDTH + 1) * WIDTH
        designs = [("copies", c, spacing) for c in range(1, max_copies + 1)]
        designs += [("spacing", 2, s) for s in spacings]
        starts = []
        for _, n, gap in designs:
            span = (n - 1) * gap + len(pattern)
            begin = min(first + max(0, (width - span) // 2), window_end - span)
            starts.append(begin + gap * np.arange(n))
        for (experiment, n, gap), start in zip(designs, starts):
            mean, sd = global_importance(model, background, [encode(pattern)] * n, start[None],
                                         batch_size=batch_size, device=device)
            frame = pd.DataFrame({"rbp": name, "instance": pattern, "experiment": experiment, "copies": n,
                                  "spacing": gap, "region": region, "null": null, "output": kinds,
                                  "tissue": tissues, "effect": mean[0], "sd": sd[0]})
            frame["planted_effect"] = planted_effects(frame, program) * n
            tables.append(frame)
    return pd.concat(tables, ignore_index=True)


# -- two-motif interaction ------------------------------------------------------------------
def interaction_pairs(rbps) -> list[tuple[str, str]]:
    """Consecutive pairs of ``rbps`` (A, B), (B, C), ...: each RBP in at most two pairs."""
    rbps = list(rbps)
    return list(zip(rbps[:-1], rbps[1:]))


def interaction(model, pool, program, pairs, outputs, layout: dict, *, null: str, distance: int,
                n_backgrounds: int, seed: int, batch_size: int = 4096, device=None) -> pd.DataFrame:
    """The interaction of two motifs: A in the region where it acts most strongly, B ``distance``
    nt after A's start, on the same backgrounds; per background, (f(A+B) - f(x)) - (f(A) - f(x))
    - (f(B) - f(x)), its mean (``interaction``) and sd. The simulator adds every occurrence's
    effect, so ``planted_ab`` is the sum of the two planted effects there and the planted
    interaction is 0. Returns :data:`INTERACTION_COLUMNS` but model."""
    kinds, tissues = _output_columns(outputs)
    background = backgrounds(null, pool, n_backgrounds, seed)
    rng = np.random.default_rng([seed, 4])
    tables = []
    for a, b in pairs:
        motif_a, motif_b = (instance(program.rbp(n).motif, rng) for n in (a, b))
        region, first, width = _strongest_region(program.rbp(a), layout)
        span = distance + len(motif_b)
        begin = min(first + max(0, (width - span) // 2), (first // WIDTH + 1) * WIDTH - span)
        one, two = encode(motif_a), encode(motif_b)
        local = {name: local_importance(model, background, patterns, np.array([starts]), batch_size=batch_size,
                                        device=device)[0].double()
                 for name, patterns, starts in (("a", [one], [begin]), ("b", [two], [begin + distance]),
                                                ("ab", [one, two], [begin, begin + distance]))}
        excess = local["ab"] - local["a"] - local["b"]
        frame = pd.DataFrame({"rbp_a": a, "rbp_b": b, "instance_a": motif_a, "instance_b": motif_b, "region": region,
                              "distance": distance, "null": null, "output": kinds, "tissue": tissues,
                              **{f"effect_{k}": v.mean(0).cpu().numpy() for k, v in local.items()},
                              "interaction": excess.mean(0).cpu().numpy(),
                              "interaction_sd": excess.std(0).cpu().numpy()})
        planted = [planted_effects(frame.assign(rbp=name), program) for name in (a, b)]
        frame["planted_ab"] = planted[0] + planted[1]
        tables.append(frame)
    return pd.concat(tables, ignore_index=True)


# -- GC-content control ---------------------------------------------------------------------
def gc_kmers(length: int, n: int, rng: np.random.Generator) -> list[tuple[float, str]]:
    """(GC fraction, k-mer) for ``n`` random ``length``-mers of each GC count 0..length: the
    G/C positions drawn without replacement, each letter then drawn from its pair."""
    out = []
    for count in range(length + 1):
        for _ in range(n):
            strong = np.zeros(length, dtype=bool)
            strong[rng.choice(length, count, replace=False)] = True
            letters = np.where(strong, rng.choice(list("GC"), length), rng.choice(list("AU"), length))
            out.append((count / length, "".join(letters)))
    return out


def gc_control(model, pool, program, outputs, layout: dict, *, length: int, n_patterns: int, null: str,
               n_backgrounds: int, stride: int, seed: int, batch_size: int = 4096, device=None) -> pd.DataFrame:
    """Global importance averaged over every window start of random ``length``-mers by GC content
    (``n_patterns`` per GC count; kind ``gc``) and of each program RBP's instance (kind
    ``program``, its own GC), on the same backgrounds. Returns :data:`GC_COLUMNS` but model:
    effect is the mean over starts of the global importance, sd its spread over the starts."""
    kinds, tissues = _output_columns(outputs)
    rng = np.random.default_rng([seed, 5])
    chosen = [(f"gc{gc:.2f}_{i % n_patterns}", "gc", text) for i, (gc, text) in
              enumerate(gc_kmers(length, n_patterns, rng))]
    chosen += [(r.name, "program", instance(r.motif, rng)) for r in program]
    background = backgrounds(null, pool, n_backgrounds, seed)
    rows = []
    for name, kind, text in chosen:
        mean, _ = global_importance(model, background, [encode(text)], window_starts(len(text), stride)[:, None],
                                    batch_size=batch_size, device=device)
        rows.append(pd.DataFrame({"pattern": name, "kind": kind, "gc": sum(c in "GC" for c in text) / len(text),
                                  "null": null, "output": kinds, "tissue": tissues, "effect": mean.mean(0),
                                  "sd": mean.std(0)}))
    return pd.concat(rows, ignore_index=True)


# -- GIA logos ------------------------------------------------------------------------------
def variant_logo(model, pool, program, rbps, outputs, layout: dict, *, null: str, n_backgrounds: int, seed: int,
                 batch_size: int = 4096, device=None) -> pd.DataFrame:
    """The global importance of every single-nucleotide variant of each RBP's instance, at the
    centre of the region where the RBP acts most strongly: one row per RBP, motif ``offset``,
    ``base`` and output (the base the instance holds gives the instance's own effect). A logo's
    heights are the effects minus their mean over the four bases at each offset. Returns
    :data:`LOGO_COLUMNS` but model; planted_effect is the instance's, per occurrence."""
    kinds, tissues = _output_columns(outputs)
    background = backgrounds(null, pool, n_backgrounds, seed)
    rng = np.random.default_rng([seed, 6])
    tables = []
    for name in rbps:
        pattern = instance(program.rbp(name).motif, rng)
        region, first, width = _strongest_region(program.rbp(name), layout)
        start = np.array([[first + max(0, (width - len(pattern)) // 2)]])
        for offset in range(len(pattern)):
            for base in BASES:
                variant = pattern[:offset] + base + pattern[offset + 1:]
                mean, _ = global_importance(model, background, [encode(variant)], start, batch_size=batch_size,
                                            device=device)
                tables.append(pd.DataFrame({"rbp": name, "instance": pattern, "region": region, "offset": offset,
                                            "base": base, "null": null, "output": kinds, "tissue": tissues,
                                            "effect": mean[0]}))
    table = pd.concat(tables, ignore_index=True)
    table["planted_effect"] = planted_effects(table, program)
    return table
