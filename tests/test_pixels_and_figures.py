import numpy as np
import pandas as pd
import pytest
from eigflow_arms.common.figures import save_figure
from eigflow_arms.mnist import figures, pixels


def test_patch_groups_tile_the_image():
    groups = pixels.patch_groups(28, 3)
    assert groups.shape == (784,)
    assert np.array_equal(np.unique(groups), np.arange(100))  # ceil(28 / 3) ** 2
    image = groups.reshape(28, 28)
    sizes = np.bincount(groups)
    for g in range(100):
        rows, cols = np.nonzero(image == g)
        # a solid rectangle: its pixel count equals its bounding box
        assert len(rows) == (np.ptp(rows) + 1) * (np.ptp(cols) + 1)
        row, col = divmod(g, 10)
        if row < 9 and col < 9:
            assert sizes[g] == 9 and np.ptp(rows) == 2 and np.ptp(cols) == 2
            assert rows.min() == 3 * row and cols.min() == 3 * col
    assert sizes[99] == 1  # the bottom-right corner patch


def test_dead_pixels():
    rng = np.random.default_rng(0)
    images = rng.random((20, 28, 28))
    images[:, 0, :] = 0.0
    images[:, 5, 5] = 0.7
    images[:, 6, 6] = 0.5 + 1e-4 * rng.random(20)
    dead = pixels.dead_pixels(images)
    assert dead.shape == (784,)
    assert set(np.flatnonzero(dead)) == set(range(28)) | {5 * 28 + 5}
    assert dead.sum() + 1 == pixels.dead_pixels(images.reshape(20, -1), tol=1e-3).sum()


def test_rank_significant_orders_by_p_then_attribution():
    table = pd.DataFrame({"feature": [10, 11, 12, 13], "p": [1e-3, 0.0, 0.0, 0.5],
                          "mean_abs_interest": [5.0, 1.0, 2.0, 9.0],
                          "significant": [True, True, True, False]})
    assert list(pixels.rank_significant(table)) == [12, 11, 10]


@pytest.fixture(scope="module")
def separable():
    """Two classes that differ only in pixels 0..9; every other pixel is shared noise."""
    rng = np.random.default_rng(0)

    def draw(n):
        y = rng.integers(0, 2, n)
        x = rng.random((n, 784)) * 0.5
        x[:, :10] = 0.2 + 0.6 * y[:, None] + rng.normal(0, 0.05, (n, 10))
        return x, y

    return (*draw(2000), *draw(500))


@pytest.mark.parametrize("model", ["logistic", "mlp"])
def test_subset_accuracy_signal_vs_noise(separable, model):
    good = pixels.subset_accuracy(*separable, np.arange(10), seed=0, model=model)
    noise = pixels.subset_accuracy(*separable, np.arange(700, 710), seed=0, model=model)
    assert good > 0.98
    assert abs(noise - 0.5) < 0.1


def test_subset_accuracy_mask_and_empty(separable):
    x_train, y_train, x_test, y_test = separable
    mask = np.zeros(784, dtype=bool)
    mask[:10] = True
    assert pixels.subset_accuracy(*separable, mask, seed=0) == pixels.subset_accuracy(
        *separable, np.arange(10), seed=0)
    majority = np.bincount(y_train).argmax()
    assert pixels.subset_accuracy(*separable, [], seed=0) == np.mean(y_test == majority)
    with pytest.raises(ValueError):
        pixels.subset_accuracy(*separable, [], seed=0, model="forest")


def test_accuracy_curve(separable):
    ranked = np.arange(10)
    curve = pixels.accuracy_curve(*separable, ranked, sizes=[2, 10, 20], n_random=3, seed=1)
    assert list(curve.columns) == ["n_pixels", "selection", "repeat", "accuracy"]
    counts = curve.groupby(["selection", "n_pixels"]).size()
    assert counts["significant"].to_dict() == {2: 1, 10: 1}  # 20 > 10 ranked pixels: skipped
    assert counts["random"].to_dict() == {2: 3, 10: 3, 20: 3}
    sig = curve[curve.selection == "significant"].set_index("n_pixels")["accuracy"]
    rand = curve[curve.selection == "random"].groupby("n_pixels")["accuracy"].mean()
    assert sig[10] > rand[10]
    again = pixels.accuracy_curve(*separable, ranked, sizes=[2, 10, 20], n_random=3, seed=1)
    pd.testing.assert_frame_equal(curve, again)


def _synthetic_figure_inputs():
    rng = np.random.default_rng(0)
    mean_attr = rng.normal(0, 1, 784)
    significant = np.abs(mean_attr) > 1.5
    mean_digit = rng.random(784)
    digits = [0, 1, 2, 3]
    table2d = pd.DataFrame({"baseline_digit": digits, "accuracy_all": [0.99, 0.995, 0.985, 0.99],
                            "accuracy_significant": [0.985, 0.995, 0.97, 0.992],
                            "n_significant": [80, 100, 120, 90]})
    table2d["pct_pixels"] = 100 * table2d["n_significant"] / 784
    curve = pd.DataFrame([(n, sel, r, 0.5 + 0.4 * n / 100 + 0.01 * r)
                          for n in (1, 10, 100) for sel, reps in (("significant", 1), ("random", 3))
                          for r in range(reps)], columns=["n_pixels", "selection", "repeat", "accuracy"])
    steps = np.array([8, 16, 32, 64])
    s4 = pd.DataFrame({"n_steps": steps, "relative_completeness_error_median": 1 / steps,
                       "relative_completeness_error_q90": 3 / steps, "halving_change_median": 0.5 / steps,
                       "halving_change_q90": 2 / steps})
    p = rng.random(784)
    return {
        "fig2a": lambda png, pdf: figures.fig2a(mean_attr, significant, mean_digit, png, pdf),
        "fig2b": lambda png, pdf: figures.fig2b(mean_attr, significant, mean_digit, png, pdf),
        "fig2c": lambda png, pdf: figures.fig2c(mean_attr, significant, mean_digit, png, pdf),
        "fig2d": lambda png, pdf: figures.fig2d(table2d, png, pdf),
        "fig2e": lambda png, pdf: figures.fig2e(curve, png, pdf),
        "figS4": lambda png, pdf: figures.figS4(s4, 32, png, pdf),
        "figS5": lambda png, pdf: figures.figS5(p, png, pdf, n_significant=0),
        "figS6": lambda png, pdf: figures.figS6(p, p[:300], png, pdf, n_removed_informative=400,
                                                n_removed_dead=84),
    }


@pytest.mark.parametrize("name", list(_synthetic_figure_inputs()))
def test_figures_write_png_and_pdf(tmp_path, name):
    import matplotlib.pyplot as plt

    out = tmp_path / "nested"
    png, pdf = out / f"{name}.png", out / f"{name}.pdf"
    _synthetic_figure_inputs()[name](png, pdf)
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
    assert sorted(p.name for p in out.iterdir()) == sorted([png.name, pdf.name])  # no temp files
    assert plt.get_fignums() == []  # closed after saving


def test_save_figure_failure_leaves_no_temp_file(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1])
    real_savefig = fig.savefig

    def failing_pdf(path, format, **kwargs):
        if format == "pdf":
            raise OSError("disk full")
        real_savefig(path, format=format, **kwargs)

    monkeypatch.setattr(fig, "savefig", failing_pdf)
    with pytest.raises(OSError, match="disk full"):
        save_figure(fig, tmp_path / "a.png", tmp_path / "a.pdf")
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]
    assert plt.get_fignums() == []
