"""MNIST pixel utilities: 3x3 patch meta-features, dead pixels, and pixel-subset classifiers.

The paper assesses CNN attributions on 3x3 patches (Fig. 2b, 2c) and checks that the
significant pixels carry the class signal by training binary classifiers on them alone
(Fig. 2d: significant vs all pixels; Fig. 2e: significant vs random pixels as the subset
grows). Images are handled flattened, row-major: pixel ``i`` sits at ``(i // side, i % side)``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

__all__ = ["patch_groups", "dead_pixels", "rank_significant",
           "subset_accuracy", "accuracy_curve"]

MODELS = ("logistic", "mlp")


def patch_groups(side: int = 28, patch: int = 3) -> np.ndarray:
    """Patch (meta-feature) id of every pixel of a ``side`` x ``side`` image.

    Patches tile the image from the top-left corner; when ``side`` is not a multiple of
    ``patch`` the last row and column of patches are smaller (28 = 9 * 3 + 1 gives
    1-pixel-wide edge patches). Ids run row-major over the ``ceil(side / patch) ** 2`` patches.

    Parameters
    ----------
    side : int
        Image height and width in pixels.
    patch : int
        Patch height and width in pixels.

    Returns
    -------
    groups : (side * side,) int array
        Patch id of each pixel, in row-major pixel order.
    """
    if side < 1 or patch < 1:
        raise ValueError(f"`side` and `patch` must be positive; got side={side}, patch={patch}")
    per_row = -(-side // patch)
    rows, cols = np.divmod(np.arange(side * side), side)
    return (rows // patch) * per_row + cols // patch


def dead_pixels(images, tol: float = 0.0) -> np.ndarray:
    """Pixels that are constant (within ``tol``) over a set of images.

    Such pixels cannot carry any signal. Along O-* paths, and along H-* paths decoded inside
    the data's range (:class:`eigflow.Confined`), their attributions are identically zero, so
    they pile up at p = 0.5 in the significance histogram (supplementary Fig. S6).

    Parameters
    ----------
    images : (n, d) or (n, side, side) array
        The image set.
    tol : float
        Largest max - min range that still counts as constant.

    Returns
    -------
    dead : (d,) bool array
    """
    return np.ptp(_flat(images), axis=0) <= tol


def rank_significant(table: pd.DataFrame) -> np.ndarray:
    """Significant features of a :func:`eigflow.significance` table, strongest first.

    Ordered by p-value and, among ties (p underflows to 0 for the strongest pixels), by
    larger mean |attribution| over the class of interest.

    Parameters
    ----------
    table : DataFrame
        Columns ``feature``, ``p``, ``mean_abs_interest`` and ``significant``.

    Returns
    -------
    features : (n_significant,) array
        The ``feature`` values of significant rows, in rank order.
    """
    sig = table[table["significant"].astype(bool)]
    order = np.lexsort((-sig["mean_abs_interest"].to_numpy(), sig["p"].to_numpy()))
    return sig["feature"].to_numpy()[order]


def _flat(x) -> np.ndarray:
    # float32 halves the classifiers' memory traffic; pixel values need no more precision.
    x = np.asarray(x, dtype=np.float32)
    return x.reshape(len(x), -1)


def _pixel_index(pixels, d: int) -> np.ndarray:
    pixels = np.asarray(pixels)
    if pixels.dtype == bool:
        if pixels.shape != (d,):
            raise ValueError(f"a boolean pixel mask must have shape ({d},); got {pixels.shape}")
        return np.flatnonzero(pixels)
    return pixels.astype(np.intp).ravel()


def _classifier(model: str, seed: int):
    # scikit-learn takes 1.5 s to import; attribution jobs import this module but never fit.
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    if model == "logistic":
        # lbfgs is deterministic; the seed only matters for the MLP's initialisation.
        return LogisticRegression(max_iter=500)
    if model == "mlp":
        # Keep early stopping's default patience (10 epochs): on small training sets the
        # validation accuracy can sit at chance for several epochs before the fit takes off.
        return MLPClassifier(hidden_layer_sizes=(64,), early_stopping=True, random_state=seed)
    raise ValueError(f"`model` must be one of {MODELS}; got {model!r}")


def subset_accuracy(x_train, y_train, x_test, y_test, pixels, seed: int = 0,
                    model: str = "logistic") -> float:
    """Test accuracy of a binary classifier that sees only the chosen pixels.

    Parameters
    ----------
    x_train, x_test : (n, d) or (n, side, side) arrays
        Images with pixel values in [0, 1].
    y_train, y_test : (n,) arrays
        Labels (two classes).
    pixels : (k,) int array or (d,) bool mask
        The pixels to train on.
    seed : int
        Random state of the classifier.
    model : {"logistic", "mlp"}
        Logistic regression, or a one-hidden-layer (64 units) MLP with early stopping.

    Returns
    -------
    accuracy : float
        Fraction of test images classified correctly. With no pixels, the accuracy of always
        predicting the training set's majority class.
    """
    x_train, x_test = _flat(x_train), _flat(x_test)
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    idx = _pixel_index(pixels, x_train.shape[1])
    clf = _classifier(model, seed)  # before the shortcut below, so a bad `model` always fails
    if idx.size == 0:
        classes, counts = np.unique(y_train, return_counts=True)
        return float(np.mean(y_test == classes[np.argmax(counts)]))
    # The matrices are small (<= 784 x 64): multithreaded BLAS spends more time syncing
    # threads than computing, and an MLP fit runs several times faster on one thread.
    with threadpool_limits(limits=1, user_api="blas"):
        clf.fit(x_train[:, idx], y_train)
        return float(clf.score(x_test[:, idx], y_test))


def accuracy_curve(x_train, y_train, x_test, y_test, ranked_pixels, sizes: Sequence[int],
                   n_random: int = 5, seed: int = 0, model: str = "logistic") -> pd.DataFrame:
    """Accuracy as the pixel subset grows: top significant pixels vs random pixels (Fig. 2e).

    Parameters
    ----------
    x_train, y_train, x_test, y_test
        As in :func:`subset_accuracy`.
    ranked_pixels : (k,) int array
        Significant pixels, strongest first (see :func:`rank_significant`).
    sizes : sequence of int
        Subset sizes. Sizes above ``k`` get no 'significant' row.
    n_random : int
        Random subsets per size, drawn without replacement from all pixels.
    seed : int
        Seeds the random subsets (``np.random.default_rng(seed)``) and the classifiers.
    model : {"logistic", "mlp"}
        Classifier, as in :func:`subset_accuracy`.

    Returns
    -------
    curve : DataFrame
        Columns ``n_pixels``, ``selection`` ('significant' or 'random'), ``repeat`` (0 for
        'significant') and ``accuracy``.
    """
    x_train, x_test = _flat(x_train), _flat(x_test)
    ranked = np.asarray(ranked_pixels, dtype=np.intp)
    d = x_train.shape[1]
    rng = np.random.default_rng(seed)
    rows = []
    for size in sizes:
        size = int(size)
        if size > d:
            raise ValueError(f"subset size {size} exceeds the {d} pixels")
        if size <= len(ranked):
            acc = subset_accuracy(x_train, y_train, x_test, y_test, ranked[:size], seed, model)
            rows.append((size, "significant", 0, acc))
        for repeat in range(n_random):
            chosen = rng.choice(d, size=size, replace=False)
            acc = subset_accuracy(x_train, y_train, x_test, y_test, chosen, seed, model)
            rows.append((size, "random", repeat, acc))
    return pd.DataFrame(rows, columns=["n_pixels", "selection", "repeat", "accuracy"])
