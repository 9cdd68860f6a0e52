"""Fig. 4a's logos are logomaker's (attribution logos with negative heights too) and Fig. 4e's
Venn is matplotlib-venn's, with areas proportional to the counts."""
import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest
from eigflow_arms.liver import binding_figures, motif_figures


def _shoelace(polygon):
    x, y = polygon[:, 0], polygon[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


@pytest.fixture
def captured(monkeypatch):
    """The figures the drawing functions would save; closed afterwards, as save_figure would,
    so that later tests see no figure left open."""
    import matplotlib.pyplot as plt

    figures = []
    for module in (binding_figures, motif_figures):
        monkeypatch.setattr(module, "save_figure", lambda fig, png, pdf: figures.append(fig))
    yield figures
    for fig in figures:
        plt.close(fig)


def test_fig4e_areas_are_proportional_to_the_counts(captured):
    # The paper's 62 liver-alternative and 164 A1CF-regulated exons, some shared, of 426.
    counts = {"a_only": 42, "both": 20, "b_only": 144, "neither": 220, "odds_ratio": 1.8, "p": 0.003}
    binding_figures.fig4e(counts, "A1CF", "x.png", "x.pdf")
    ax = captured[0].axes[0]
    regions = [p for p in ax.patches if p.get_visible()]
    areas = {}
    for patch in regions:
        path = patch.get_path().transformed(patch.get_patch_transform())
        areas[patch.get_label() or len(areas)] = sum(_shoelace(p) for p in path.to_polygons())
    assert len(areas) == 3
    total = sum(areas.values())
    shares = sorted(a / total for a in areas.values())
    expected = sorted(np.array([42, 20, 144]) / 206)
    np.testing.assert_allclose(shares, expected, atol=0.01)
    texts = {t.get_text() for t in ax.texts}
    assert {"42", "20", "144"} <= texts


def test_fig4e_with_an_empty_set_still_draws(captured):
    counts = {"a_only": 0, "both": 0, "b_only": 5, "neither": 50, "odds_ratio": 0.0, "p": 1.0}
    binding_figures.fig4e(counts, "A1CF", "x.png", "x.pdf")
    assert captured


def test_logo_is_logomakers_and_draws_negative_heights_below_zero():
    import logomaker
    import matplotlib.pyplot as plt

    heights = np.array([[1.0, -0.5, 0.2, 0.0], [-1.2, 0.3, 0.0, 0.4], [0.0, 0.0, -0.7, 0.9]])
    fig, ax = plt.subplots()
    motif_figures.logo(ax, heights, start=3, label="attribution", ylabel="attribution")
    low, high = ax.get_ylim()
    assert low <= -1.2 and high >= 1.2
    glyphs = [p for p in ax.patches if type(p).__module__.startswith("matplotlib")]
    assert len(glyphs) >= 7  # one glyph per nonzero height
    assert logomaker.Logo  # the library fig4a draws with
    plt.close(fig)


def test_fig4a_draws_both_logos(captured):
    rng = np.random.default_rng(0)
    query, target = rng.dirichlet(np.ones(4) * 0.3, 6), rng.dirichlet(np.ones(4) * 0.3, 8)
    row = {"target": "A1CF", "p": 1e-3, "q": 1e-2, "offset": 1, "orientation": "+"}
    motif_figures.fig4a(query, target, row, "x.png", "x.pdf")
    top, bottom = captured[0].axes
    assert top.get_ylim() == (0, 2) and bottom.get_ylim() == (0, 2)
    assert len(top.patches) >= 8 and len(bottom.patches) >= 6
