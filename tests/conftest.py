import numpy as np
import pytest
import torch


class LinearAutoencoder(torch.nn.Module):
    """An exactly invertible linear autoencoder: z = W (x - c), x = W^-1 z + c."""

    def __init__(self, d: int, seed: int = 0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        w = torch.randn(d, d, generator=g, dtype=torch.float64) + 3 * torch.eye(d, dtype=torch.float64)
        self.register_buffer("w", w.float())
        self.register_buffer("w_inv", torch.linalg.inv(w).float())
        self.register_buffer("c", torch.randn(d, generator=g))

    def encode(self, x):
        return (x.reshape(len(x), -1) - self.c) @ self.w.T

    def decode(self, z):
        return z @ self.w_inv.T + self.c


class TanhAutoencoder(torch.nn.Module):
    """A small nonlinear autoencoder (untrained: only the geometry of its paths matters)."""

    def __init__(self, d: int, z: int = 3, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.enc = torch.nn.Sequential(torch.nn.Linear(d, 16), torch.nn.Tanh(), torch.nn.Linear(16, z))
        self.dec = torch.nn.Sequential(torch.nn.Linear(z, 16), torch.nn.Tanh(), torch.nn.Linear(16, d))

    def encode(self, x):
        return self.enc(x.reshape(len(x), -1))

    def decode(self, z):
        return self.dec(z)


@pytest.fixture(scope="module")
def one_thread():
    """Torch on one thread for a module of tiny models: they gain nothing from intra-op
    threads, and spinning threads on a busy 2-core machine slow them by an order of magnitude."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def mlp():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(12, 32), torch.nn.Tanh(), torch.nn.Linear(32, 16),
                                torch.nn.Softplus(), torch.nn.Linear(16, 3))
    return model.eval()


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    samples = rng.normal(size=(6, 12)).astype(np.float32)
    reference = (rng.normal(size=(80, 12)) + 1.5).astype(np.float32)
    return samples, reference


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """One uninterrupted local run of the whole tiny DAG, shared by every test that needs it."""
    from test_workflow import make_project, snakemake

    project = make_project(tmp_path_factory.mktemp("tiny"))
    snakemake(project)
    return project
