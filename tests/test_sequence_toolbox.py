"""The sequence arm's genomics toolbox against independent computations on a tiny residual CNN:
ISM against single mutants, DeepLIFT/SHAP against a linear model's closed form, expected
gradients against a loop at its own draws, completeness where a method promises it, the
evaluation counts against a counting model, and the method registry."""
import math

import numpy as np
import pytest
import torch
from eigflow import PATHS
from eigflow_arms.common import methods
from eigflow_arms.sequence import toolbox
from eigflow_arms.splicing.adapter import EXPLAINED
from torch import nn

S, L = 3, 40

pytestmark = pytest.mark.usefixtures("one_thread")


class ResidualCNN(nn.Module):
    """The sequence arm's model in miniature: Conv1d, ReLU modules each used once, a residual
    addition, no BatchNorm, (m,) logits."""

    def __init__(self, activation=nn.ReLU, channels: int = 6):
        super().__init__()
        self.conv1, self.relu1 = nn.Conv1d(4, channels, 5, padding=2), activation()
        self.conv2, self.relu2 = nn.Conv1d(channels, channels, 3, padding=1), activation()
        self.head = nn.Linear(channels * L, 1)

    def forward(self, x):
        h = self.relu1(self.conv1(x))
        h = h + self.relu2(self.conv2(h))
        return self.head(h.flatten(1))[:, 0]


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(4, L))
        self.bias = nn.Parameter(torch.tensor(0.3))

    def forward(self, x):
        return (x * self.weight).sum(dim=(1, 2)) + self.bias


class Counting(nn.Module):
    """Counts points sent forward, and backward through its output."""

    def __init__(self, model):
        super().__init__()
        self.model, self.count = model, 0
        self.training = model.training  # tangermeme puts back the mode of the module it gets

    def forward(self, x):
        out = self.model(x)
        self.count += len(x)
        if out.requires_grad:
            out.register_hook(lambda grad: setattr(self, "count", self.count + len(grad)))
        return out


def one_hot(n, seed, n_unknown=0):
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 4, L), np.float32)
    x[np.arange(n)[:, None], rng.integers(0, 4, (n, L)), np.arange(L)] = 1
    x[0, :, :n_unknown] = 0  # an N run at the start of the first sequence
    return x


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return ResidualCNN().eval()


@pytest.fixture(scope="module")
def x():
    return one_hot(S, 1, n_unknown=2)


@pytest.fixture(scope="module")
def reference():
    return one_hot(30, 2)


def f(model, points):
    with torch.no_grad():
        return model(torch.as_tensor(points, dtype=torch.float32)).double().numpy()


def grad(model, point):
    p = torch.tensor(point[None], dtype=torch.float32, requires_grad=True)
    (g,) = torch.autograd.grad(model(p).sum(), p)
    return g[0].numpy()


# --- ISM ----------------------------------------------------------------------------------------

def test_ism_is_each_single_mutant_minus_the_sequence(model, x):
    res = toolbox.ism(model, x)
    assert res["mutations"].shape == (S, 4, L) and res["mutations"].dtype == np.float32
    np.testing.assert_allclose(res["output"], f(model, x), rtol=1e-5, atol=1e-6)
    for i in range(S):
        for pos in (0, 1, 17, L - 1):  # 0 and 1 are Ns in sequence 0
            for base in range(4):
                mutant = x[i].copy()
                mutant[:, pos] = 0
                mutant[base, pos] = 1
                want = f(model, mutant[None])[0] - f(model, x[i:i + 1])[0]
                assert res["mutations"][i, base, pos] == pytest.approx(want, abs=1e-5)
    assert (res["mutations"][x == 1] == 0).all()


def test_ism_attributions_are_the_mean_centred_ism_of_tangermeme(model, x):
    from tangermeme.saturation_mutagenesis import saturation_mutagenesis

    class Column(nn.Module):
        def forward(self, points):
            return model(points)[:, None]

    centred = toolbox.ism(model, x)["attributions"]
    theirs = saturation_mutagenesis(Column(), torch.from_numpy(x), hypothetical=True, device="cpu")
    np.testing.assert_allclose(centred, theirs.numpy(), atol=1e-5)


# --- DeepLIFT/SHAP ------------------------------------------------------------------------------

def test_deeplift_shap_of_a_linear_model_is_its_weights_times_the_difference_from_the_shuffles(x):
    from tangermeme.ersatz import dinucleotide_shuffle

    torch.manual_seed(3)
    linear = Linear().eval()
    res = toolbox.deeplift_shap(linear, x, n_samples=8, seed=5)
    shuffles = dinucleotide_shuffle(torch.from_numpy(x), n=8, random_state=[5] * S, allow_N=True).numpy()
    want = (x - shuffles.mean(axis=1)) * linear.weight.detach().numpy()
    np.testing.assert_allclose(res["attributions"], want, atol=1e-5)
    assert res["completeness_error"].shape == (S,) and (res["completeness_error"] < 1e-4).all()
    # The shuffles are the sequences' own: they keep each one's base composition, Ns included.
    np.testing.assert_array_equal(shuffles.sum(axis=3), np.repeat(x.sum(axis=2)[:, None], 8, axis=1))


def test_deeplift_shap_is_complete_through_relus_and_the_residual(model, x):
    res = toolbox.deeplift_shap(model, x, n_samples=4, seed=0)
    scale = np.abs(f(model, x)).max()
    assert (res["completeness_error"] < 1e-4 * scale).all()
    again = toolbox.deeplift_shap(model, x, n_samples=4, seed=0)
    other = toolbox.deeplift_shap(model, x, n_samples=4, seed=1)
    np.testing.assert_array_equal(res["attributions"], again["attributions"])
    assert not np.allclose(res["attributions"], other["attributions"])


# --- expected gradients -------------------------------------------------------------------------

def test_expected_gradients_at_its_draws_is_the_mean_of_the_hand_computed_terms(model, x, reference):
    m = 7
    res = toolbox.expected_gradients(model, x, reference=reference, n_samples=m, seed=4, batch_size=10)
    rng = np.random.default_rng(4)
    np.testing.assert_array_equal(res["reference_index"], rng.integers(0, len(reference), size=(S, m)))
    np.testing.assert_array_equal(res["alpha"], rng.random((S, m), dtype=np.float32))
    for i in range(S):
        terms = []
        for j, a in zip(res["reference_index"][i], res["alpha"][i]):
            start = reference[j]
            terms.append((x[i] - start) * grad(model, start + a * (x[i] - start)))
        np.testing.assert_allclose(res["attributions"][i], np.mean(terms, axis=0), rtol=1e-5, atol=1e-7)


def test_expected_gradients_is_complete_in_expectation(model, x, reference):
    res = toolbox.expected_gradients(model, x, reference=reference, n_samples=3000, seed=0)
    gap = f(model, x) - f(model, reference).mean()
    spread = f(model, reference).std() + np.abs(gap)
    np.testing.assert_allclose(res["attributions"].sum(axis=(1, 2)), gap, atol=0.05 * spread.max())


def test_expected_gradients_needs_a_reference(model, x):
    with pytest.raises(ValueError, match="expected_gradients draws from a reference set"):
        toolbox.expected_gradients(model, x)


# --- Captum's IG and geodesic IG ----------------------------------------------------------------

def test_captum_ig_is_complete_to_a_thousandth_where_the_model_is_smooth(x):
    from captum.attr import IntegratedGradients

    torch.manual_seed(0)
    smooth = ResidualCNN(nn.Softplus).eval()
    res = toolbox.captum_ig(smooth, x, n_steps=200)
    gap = f(smooth, x) - f(smooth, np.zeros_like(x))
    total = res["attributions"].sum(axis=(1, 2), dtype=np.float64)
    assert (np.abs(total - gap) <= 1e-3 * np.abs(gap)).all(), (total, gap)
    np.testing.assert_allclose(res["completeness_error"], np.abs(total - gap), atol=1e-6)
    # Why not Captum's "riemann_trapezoid": its weights sum to 1 - 1/n_steps.
    xt = torch.from_numpy(x)
    trapezoid = IntegratedGradients(smooth).attribute(xt, baselines=0 * xt, n_steps=200, method="riemann_trapezoid")
    np.testing.assert_allclose(trapezoid.sum(dim=(1, 2)).numpy(), gap * (1 - 1 / 200), rtol=1e-4)


def test_captum_ig_is_complete_to_a_hundredth_through_relu_kinks(model, x):
    # The gradient jumps at every kink on the path, so 200 points of any rule leave ~1e-3 here
    # (eigflow's own trapezoid too); the smooth model above checks the rule itself.
    res = toolbox.captum_ig(model, x, n_steps=200)
    gap = f(model, x) - f(model, np.zeros_like(x))
    assert (res["completeness_error"] <= 1e-2 * np.abs(gap)).all()


def test_geodesic_ig_runs_from_zero_through_the_reference_graph_and_is_nearly_complete(model, x, reference):
    res = toolbox.geodesic_ig(model, x, reference=reference, n_samples=5, n_steps=20)
    gap = f(model, x) - f(model, np.zeros_like(x))
    total = res["attributions"].sum(axis=(1, 2), dtype=np.float64)
    assert res["attributions"].shape == (S, 4, L)
    np.testing.assert_allclose(res["completeness_error"], np.abs(total - gap), atol=1e-4)
    assert (res["completeness_error"] < 0.05 * np.abs(gap)).all()
    # Not the straight line: its path bends through reference sequences.
    straight = toolbox.captum_ig(model, x, n_steps=20)["attributions"]
    assert not np.allclose(res["attributions"], straight, atol=1e-3)


def test_geodesic_ig_needs_a_reference(model, x):
    with pytest.raises(ValueError, match="geodesic_ig draws from a reference set"):
        toolbox.geodesic_ig(model, x)


# --- evaluations, one signature, validation -----------------------------------------------------

# What each docstring says a sequence costs, with 2 Ns in sequence 0 (ISM mutates them to all 4).
COUNTS = {
    methods.ISM: lambda n_unknown: 1 + 3 * L + n_unknown,
    methods.DEEPLIFT_SHAP: lambda n_unknown: 5 * 3 + 1,
    methods.EXPECTED_GRADIENTS: lambda n_unknown: 2 * 3,
    methods.CAPTUM_IG: lambda n_unknown: 2 * 4 + 2,
}


@pytest.mark.parametrize("method", list(toolbox.METHODS))
def test_evaluations_are_what_the_docstrings_say(model, x, reference, method):
    counting = Counting(model)
    res = toolbox.METHODS[method](counting, x, reference=reference, n_steps=4, n_samples=3, seed=0,
                                  batch_size=16, device="cpu")
    assert res["evaluations"].dtype == np.int64 and res["evaluations"].shape == (S,)
    assert res["attributions"].shape == (S, 4, L) and res["attributions"].dtype == np.float32
    if method == methods.GEODESIC_IG:  # a shared graph: the total split evenly, rounded up
        assert (res["evaluations"] == math.ceil(counting.count / S)).all()
        return
    n_unknown = (x.sum(axis=1) == 0).sum(axis=1)
    np.testing.assert_array_equal(res["evaluations"], [COUNTS[method](n) for n in n_unknown])
    assert res["evaluations"].sum() == counting.count


def test_sequences_must_be_one_hot(model):
    with pytest.raises(ValueError, match=r"x must be \(s, 4, L\)"):
        toolbox.ism(model, np.zeros((2, 5, L), np.float32))
    soft = one_hot(2, 0) * 0.5
    with pytest.raises(ValueError, match="x must be one-hot"):
        toolbox.captum_ig(model, soft)


@pytest.mark.parametrize("method", list(toolbox.METHODS))
def test_the_model_is_left_as_it_was(model, x, reference, method):
    toolbox.METHODS[method](model, x, reference=reference, n_steps=2, n_samples=2)
    assert next(model.parameters()).device.type == "cpu"
    assert not any(module.training for module in model.modules())


# --- gradient correction --------------------------------------------------------------------------

def test_gradient_correction_zeroes_channel_sums_and_keeps_channel_differences():
    a = np.random.default_rng(0).normal(size=(S, 4, L)).astype(np.float32)
    corrected = toolbox.gradient_correction(a)
    assert corrected.shape == a.shape and corrected.dtype == a.dtype
    np.testing.assert_allclose(corrected.sum(axis=1), 0, atol=1e-5)
    for c in range(1, 4):
        np.testing.assert_allclose(corrected[:, c] - corrected[:, 0], a[:, c] - a[:, 0], atol=1e-5)
    np.testing.assert_allclose(toolbox.gradient_correction(a[0]), corrected[0])


# --- the method registry ------------------------------------------------------------------------

def test_every_toolbox_method_is_a_registered_explainer_with_its_own_colour():
    assert set(toolbox.METHODS) == {"ism", "deeplift-shap", "expected-gradients", "captum-ig", "geodesic-ig"}
    assert set(toolbox.METHODS) <= set(methods.EXPLAINERS)
    for method in toolbox.METHODS:
        assert methods.parse(method) == (None, None) and methods.label(method) != method
    colours = [methods.color(m) for m in methods.EXPLAINERS] + [methods.path_color(p) for p in PATHS]
    assert len(set(colours)) == len(colours)


def test_the_splicing_arm_runs_what_it_ran():
    names = methods.names(EXPLAINED)
    assert names == ["simple-gradients", *methods.eig_methods(), "deep-shap"]
    assert not set(toolbox.METHODS) & set(names)
    assert methods.order(names) == names
