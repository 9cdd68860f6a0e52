"""The library's face: path and baseline registries, and what a new one takes."""
import sys

import eigflow
import numpy as np
import pytest
import torch
from conftest import TanhAutoencoder

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def registry():
    """Whatever a test registers is gone after it."""
    saved = [(registry, dict(registry)) for registry in (eigflow.PATHS, eigflow.BASELINES)]
    yield
    for registry, entries in saved:
        registry.clear()
        registry.update(entries)


def test_paths_are_the_papers_four_and_say_what_they_need():
    assert list(eigflow.PATHS) == ["O-L-IG", "H-L-IG", "O-N-IG", "H-N-IG"]
    needs = {name: (spec.needs_autoencoder, spec.needs_graph) for name, spec in eigflow.PATHS.items()}
    assert needs == {"O-L-IG": (False, False), "H-L-IG": (True, False),
                     "O-N-IG": (False, True), "H-N-IG": (True, True)}


def test_a_registered_path_is_built_from_its_space_and_route(registry, mlp, data):
    samples, reference = data
    ae = TanhAutoencoder(12)
    eigflow.register_path(eigflow.PathSpec("X-L-IG", "input", "line"))
    eigflow.register_path(eigflow.PathSpec("Z-L-IG", "latent", "line"))
    kwargs = dict(baseline="median", reference=reference, n_steps=30, target=2, autoencoder=ae)
    for copy, original in (("X-L-IG", "O-L-IG"), ("Z-L-IG", "H-L-IG")):
        np.testing.assert_array_equal(eigflow.attribute(mlp, samples, path=copy, **kwargs).per_baseline,
                                      eigflow.attribute(mlp, samples, path=original, **kwargs).per_baseline)
    with pytest.raises(ValueError, match="pass `autoencoder`"):
        eigflow.attribute(mlp, samples, path="Z-L-IG", baseline="zero", target=0)


def test_a_fifth_path_through_a_midpoint(registry, mlp, data):
    samples, reference = data

    def via_midpoint(starts, ends):
        return torch.stack([starts, (starts + ends) / 2 + 3.0 * torch.tensor([1.0, -1.0]).repeat(6), ends], dim=1)

    eigflow.register_path(eigflow.PathSpec("M-L-IG", "input", "line", polyline=via_midpoint))
    assert list(eigflow.PATHS)[-1] == "M-L-IG"
    kwargs = dict(baseline="median", reference=reference, n_baselines=2, n_steps=400, target=1)
    bent = eigflow.attribute(mlp, samples, path="M-L-IG", **kwargs)
    straight = eigflow.attribute(mlp, samples, path="O-L-IG", **kwargs)
    # Completeness holds along any path; the attributions themselves depend on it.
    assert bent.completeness_error.max() < 2e-3 * max(1.0, np.abs(bent.output).max())
    np.testing.assert_allclose(bent.output, straight.output, rtol=0, atol=0)
    assert np.abs(bent.attributions - straight.attributions).max() > 0.1 * np.abs(straight.attributions).max()
    # A spec can also be passed without registering it.
    np.testing.assert_array_equal(
        eigflow.attribute(mlp, samples, path=eigflow.PathSpec("unnamed", "input", "line", via_midpoint),
                          **kwargs).attributions, bent.attributions)


def test_registering_checks_the_spec(registry):
    with pytest.raises(ValueError, match="already registered; pass replace=True"):
        eigflow.register_path(eigflow.PathSpec("O-L-IG", "input", "line"))
    with pytest.raises(ValueError, match="`space` must be one of input, latent; got 'hidden'"):
        eigflow.PathSpec("X", "hidden", "line")
    with pytest.raises(ValueError, match="`route` must be one of line, graph"):
        eigflow.PathSpec("X", "input", "curve")
    with pytest.raises(TypeError, match="register_path takes an eigflow.PathSpec; got str"):
        eigflow.register_path("X-L-IG")
    with pytest.raises(TypeError, match="PathSpec 'X': `polyline` must be callable"):
        eigflow.PathSpec("X", "input", "line", polyline=None)
    with pytest.raises(ValueError, match="a PathSpec needs a non-empty str `name`"):
        eigflow.PathSpec("", "input", "line")
    with pytest.raises(ValueError, match="unknown path 'X-L-IG'; valid paths are: O-L-IG, H-L-IG, O-N-IG, H-N-IG$"):
        eigflow.attribute(torch.nn.Linear(2, 1), np.zeros((1, 2), np.float32), path="X-L-IG")


def test_graph_paths_need_a_graph_in_their_own_space(mlp):
    rng = np.random.default_rng(3)
    train = rng.normal(size=(100, 12)).astype(np.float32)
    latent = eigflow.NeighborGraph(train, k=8, autoencoder=TanhAutoencoder(12))
    with pytest.raises(ValueError, match="'O-N-IG' needs a NeighborGraph built in input space"):
        eigflow.attribute(mlp, train[:2], path="O-N-IG", baseline=train[5:7], neighbors=latent, target=0)


def test_baselines_are_the_papers_six_and_two_of_sequences_and_say_what_they_need():
    assert list(eigflow.BASELINES) == ["zero", "encoded-zero", "k-means", "median", "close", "random",
                                       "uniform", "dinucleotide-shuffle"]
    needs = {name: (spec.needs_reference, spec.needs_autoencoder, spec.per_sample, spec.inputs)
             for name, spec in eigflow.BASELINES.items()}
    assert needs == {"zero": (False, False, False, "any"), "encoded-zero": (False, True, False, "any"),
                     "k-means": (True, False, False, "any"), "median": (True, False, False, "any"),
                     "close": (True, False, True, "any"), "random": (True, False, False, "any"),
                     "uniform": (False, False, False, "one-hot"),
                     "dinucleotide-shuffle": (False, False, True, "one-hot")}


def test_a_seventh_baseline_registered_by_name(registry, mlp, data):
    samples, reference = data

    def mean_of_reference(reference, n, samples, autoencoder, seed):
        return reference.mean(axis=0, keepdims=True)

    eigflow.register_baseline(eigflow.BaselineSpec("dummy", mean_of_reference, needs_reference=True))
    assert list(eigflow.BASELINES)[-1] == "dummy"
    kwargs = dict(n_steps=30, target=2)
    res = eigflow.attribute(mlp, samples, baseline="dummy", reference=reference, **kwargs)
    explicit = eigflow.attribute(mlp, samples, baseline=reference.mean(axis=0, keepdims=True), **kwargs)
    np.testing.assert_array_equal(res.attributions, explicit.attributions)
    np.testing.assert_array_equal(res.baselines[:, 0], np.broadcast_to(reference.mean(axis=0), (6, 12)))
    # select_baselines checks what the spec says it needs before calling it.
    with pytest.raises(ValueError, match="baseline 'dummy' draws from a reference class: pass `reference`"):
        eigflow.attribute(mlp, samples, baseline="dummy", **kwargs)
    with pytest.raises(ValueError, match="already registered"):
        eigflow.register_baseline(eigflow.BaselineSpec("dummy", mean_of_reference))
    with pytest.raises(TypeError, match="`fn` must be callable"):
        eigflow.BaselineSpec("broken", "not a function")


def _shuffles(samples, n, seed):
    """Each sample's features permuted ``n`` times: (s, n, d)."""
    rng = np.random.default_rng(seed)
    return np.stack([[rng.permutation(x) for _ in range(n)] for x in np.asarray(samples)])


def test_a_callable_baseline_equals_the_points_it_returns(mlp, data):
    samples, _ = data
    kwargs = dict(n_steps=30, target=1)
    called = eigflow.attribute(mlp, samples, baseline=_shuffles, n_baselines=3, seed=4, **kwargs)
    explicit = eigflow.attribute(mlp, samples, baseline=_shuffles(samples, n=3, seed=4), **kwargs)
    assert called.baselines.shape == (6, 3, 12)
    np.testing.assert_array_equal(called.baselines, explicit.baselines)
    np.testing.assert_array_equal(called.per_baseline, explicit.per_baseline)
    as_tensor = eigflow.attribute(mlp, samples, baseline=lambda x, n, seed: torch.from_numpy(_shuffles(x, n, seed)),
                                  n_baselines=3, seed=4, **kwargs)
    np.testing.assert_array_equal(as_tensor.per_baseline, explicit.per_baseline)


FIELDS = ("attributions", "completeness_error", "baselines", "output", "baseline_output", "per_baseline")


def test_tensors_in_give_tensors_out_with_the_same_numbers(mlp, data):
    samples, reference = data
    kwargs = dict(path="H-L-IG", baseline="median", reference=reference, autoencoder=TanhAutoencoder(12),
                  n_steps=20, target=torch.tensor([0, 1, 2, 0, 1, 2]))
    arrays = eigflow.attribute(mlp, samples, **kwargs)
    tensors = eigflow.attribute(mlp, torch.from_numpy(samples), **kwargs)
    for field in FIELDS:
        assert isinstance(getattr(arrays, field), np.ndarray), field
        assert isinstance(getattr(tensors, field), torch.Tensor), field
        np.testing.assert_array_equal(getattr(tensors, field).numpy(), getattr(arrays, field), err_msg=field)
    grads = eigflow.simple_gradients(mlp, torch.from_numpy(samples), target=1)
    assert isinstance(grads, torch.Tensor)
    np.testing.assert_array_equal(grads.numpy(), eigflow.simple_gradients(mlp, samples, target=1))


def test_a_float64_model_runs_in_float64_and_agrees_with_captum(mlp, data):
    from captum.attr import IntegratedGradients

    samples, reference = data
    model = mlp.double()
    x, base = samples.astype(np.float64), reference[:6].astype(np.float64)
    res = eigflow.attribute(model, x, baseline=base[:, None], n_steps=4000, target=2)
    assert all(getattr(res, field).dtype == np.float64 for field in FIELDS)
    captum = IntegratedGradients(model).attribute(torch.from_numpy(x), baselines=torch.from_numpy(base), target=2,
                                                  n_steps=64, method="gausslegendre").numpy()
    # float32 arithmetic could not get this close (its completeness error alone is ~1e-7).
    assert np.abs(res.attributions - captum).max() <= 1e-7 * np.abs(captum).max()
    assert res.completeness_error.max() < 1e-8
    # Tensors keep the model's dtype too, and a float32 autoencoder serves a float64 model.
    latent = eigflow.attribute(model, torch.from_numpy(x), path="H-L-IG", baseline="encoded-zero",
                               autoencoder=TanhAutoencoder(12), n_steps=50, target=0)
    assert latent.attributions.dtype == torch.float64
    grads = eigflow.simple_gradients(model, torch.from_numpy(x).float(), target=0)
    assert grads.dtype == torch.float64


def test_the_model_stays_where_it_is(mlp, data, monkeypatch):
    samples, _ = data
    before = {name: p.detach().clone() for name, p in mlp.state_dict().items()}
    pointers = [p.data_ptr() for p in mlp.parameters()]

    def refuse(*args, **kwargs):
        raise AssertionError(f"model.to{args} called")

    monkeypatch.setattr(mlp, "to", refuse)
    for device in (None, "cpu", torch.device("cpu")):
        eigflow.attribute(mlp, samples, n_steps=8, target=0, device=device)
        eigflow.simple_gradients(mlp, samples, target=0, device=device)
    assert [p.data_ptr() for p in mlp.parameters()] == pointers
    for name, p in mlp.state_dict().items():
        assert p.device.type == "cpu" and torch.equal(p, before[name]), name


def test_a_module_moved_for_the_call_is_moved_back_even_on_error():
    from eigflow.attribute import _moved_to

    class Recorder(torch.nn.Linear):
        moves = []

        def to(self, device):
            self.moves.append(torch.device(device))
            return self

    model, elsewhere = Recorder(2, 1), torch.device("cuda", 3)
    with pytest.raises(RuntimeError, match="inside"), _moved_to(elsewhere, model, None, lambda x: x):
        assert model.moves == [elsewhere]
        raise RuntimeError("inside")
    assert model.moves == [elsewhere, torch.device("cpu")]
    model.moves.clear()
    with _moved_to(torch.device("cpu"), model):
        pass
    assert model.moves == []


def test_tensors_do_not_leave_their_device_inside_the_loop(mlp, data, monkeypatch):
    samples, reference = data
    x, base = torch.from_numpy(samples), torch.from_numpy(reference[:3])
    calls = []
    for method in ("cpu", "numpy", "tolist", "item"):
        original = getattr(torch.Tensor, method)
        monkeypatch.setattr(torch.Tensor, method, lambda self, *a, _f=original, _m=method, **k: (calls.append(_m), _f(self, *a, **k))[1])
    for path in ("O-L-IG", "H-L-IG"):
        eigflow.attribute(mlp, x, path=path, baseline=base, autoencoder=TanhAutoencoder(12), n_steps=10,
                          target=torch.tensor(1), batch_size=20)
    eigflow.simple_gradients(mlp, x, target=1, batch_size=2)
    assert calls == []


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_computation_returns_to_the_inputs_device_and_puts_modules_back(mlp, data):
    samples, reference = data
    ae = TanhAutoencoder(12)
    cpu = eigflow.attribute(mlp, samples, path="H-L-IG", baseline="median", reference=reference, autoencoder=ae,
                            n_steps=20, target=2)
    gpu = eigflow.attribute(mlp, torch.from_numpy(samples), path="H-L-IG", baseline="median", reference=reference,
                            autoencoder=ae, n_steps=20, target=2, device="cuda")
    assert gpu.attributions.device.type == "cpu"
    assert next(mlp.parameters()).device.type == "cpu" and next(ae.parameters()).device.type == "cpu"
    np.testing.assert_allclose(gpu.attributions.numpy(), cpu.attributions, rtol=1e-4, atol=1e-6)
    on_gpu = eigflow.attribute(mlp.cuda(), torch.from_numpy(samples).cuda(), baseline="zero", n_steps=20, target=2)
    assert on_gpu.attributions.device.type == "cuda" and next(mlp.parameters()).device.type == "cuda"


def test_progress_bar_and_the_extra_it_needs(mlp, data, capsys, monkeypatch):
    samples, _ = data
    eigflow.attribute(mlp, samples, n_steps=8, target=0, progress=True, label="zeros")
    assert "zeros" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"pip install 'eigflow\[progress\]'"):
        eigflow.attribute(mlp, samples, n_steps=8, target=0, progress=True)
    eigflow.attribute(mlp, samples, n_steps=8, target=0)  # no bar, no tqdm needed


LIBRARY = {"__init__", "_checks", "io", "attribute", "autoencoder", "baselines", "graph", "integrate", "paths",
           "progress", "significance"}
# What `pip install eigflow` brings: the library may import nothing else at module level.
CORE = {"torch", "numpy", "scipy", "pandas"}
# (torch itself imports tqdm where it is installed.)
NOT_LOADED = ("eigflow_arms", "matplotlib", "sklearn", "pysam", "snakemake", "shap", "pynndescent")


def test_library_modules_import_only_the_library_the_core_and_the_standard_library():
    import ast
    from pathlib import Path

    package = Path(eigflow.__file__).parent
    assert {module.stem for module in package.glob("*.py")} == LIBRARY  # workflow code lives in eigflow_arms
    for name in sorted(LIBRARY):
        tree = ast.parse((package / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert (node.module or "").split(".")[0] in LIBRARY, f"{name}.py imports .{node.module}"
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for top in {alias.name.split(".")[0] for alias in node.names} if isinstance(node, ast.Import) \
                        else {node.module.split(".")[0]}:
                    assert top in CORE or top in sys.stdlib_module_names, f"{name}.py imports {top}"


def test_import_eigflow_and_a_run_load_no_workflow_code_and_no_extra(tmp_path):
    import subprocess
    from pathlib import Path

    script = f"""
import sys
import numpy as np, torch
import eigflow
on_import = set(sys.modules)
torch.manual_seed(0)
model = torch.nn.Linear(6, 1)
x = np.random.default_rng(0).normal(size=(40, 6)).astype(np.float32)
ae = torch.nn.Linear(6, 2)
ae.encode, ae.decode = ae, torch.nn.Linear(2, 6)
graphs = {{"O-N-IG": eigflow.NeighborGraph(x, k=5), "H-N-IG": eigflow.NeighborGraph(x, k=5, autoencoder=ae)}}
graphs["O-N-IG"].save({str(tmp_path / "g.npz")!r})
eigflow.NeighborGraph.load({str(tmp_path / "g.npz")!r})
for path in eigflow.PATHS:
    for baseline in ("zero", "encoded-zero", "median", "close", "random"):
        eigflow.attribute(model, x[:3], path=path, baseline=baseline, reference=x[3:], autoencoder=ae,
                          neighbors=graphs.get(path), n_steps=5)
eigflow.simple_gradients(model, x)
eigflow.significance(np.abs(x[:20]), x[20:])
print(sorted(on_import)); print(sorted(sys.modules))
"""
    env = {"PYTHONPATH": str(Path(eigflow.__file__).parents[1]), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    on_import, after_run = (set(eval(line)) for line in done.stdout.splitlines()[-2:])
    for loaded in (on_import, after_run):
        ours = {m.split(".", 1)[1] if "." in m else "__init__" for m in loaded if m.split(".")[0] == "eigflow"}
        assert ours <= LIBRARY, ours - LIBRARY
        assert not {m for m in loaded if m.split(".")[0] in NOT_LOADED}


@pytest.mark.parametrize("call, modules, extra", [
    (lambda: eigflow.select_baselines("k-means", np.ones((5, 2)), 2), ("sklearn", "sklearn.cluster"), "kmeans"),
    (lambda: eigflow.NeighborGraph(np.random.default_rng(0).normal(size=(30, 2)), k=3, exact=False),
     ("pynndescent",), "ann"),
])
def test_a_missing_extra_is_an_import_error_that_names_it(monkeypatch, call, modules, extra):
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=rf"pip install 'eigflow\[{extra}\]'"):
        call()
