"""MNIST, loaded the way the handbook loads it, in pure NumPy.

``load_data()`` returns exactly what ``keras.datasets.mnist.load_data()``
returns: ``((x_train, y_train), (x_test, y_test))``, uint8 arrays of shapes
(60000, 28, 28), (60000,), (10000, 28, 28) and (10000,). ``MNISTLoader`` is the
handbook's loader on top of it: scaled float images with a channel axis, int32
labels, and ``get_batch`` drawing batches from its own seeded generator.

The data is looked for, in this order:

1. the ``path`` argument, else the ``MNIST_PATH`` environment variable: a
   folder holding the four canonical idx files (``IDX_FILES``), a Keras
   ``mnist.npz``, or a folder holding ``mnist.npz``;
2. the Keras cache, ``$KERAS_HOME/datasets/mnist.npz`` or
   ``~/.keras/datasets/mnist.npz`` (``cache_dir`` replaces that folder);
3. a download of ``URL`` into that cache (unless ``download=False``).

Every file read or downloaded is checked against its sha256 in ``SHA256``.
"""

import gzip
import hashlib
import http.client
import os
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from .config import standardize_dtype
from .utils.argument_validation import check_positive_int
from .utils.file_utils import atomic_write

URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
DOWNLOAD_TIMEOUT = 30  # seconds, per blocking socket operation

NPZ_NAME = "mnist.npz"
# The canonical file of each array; the keys are also the keys of mnist.npz.
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    NPZ_NAME: "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
}

IMAGES_MAGIC = 2051  # idx header: magic, then big-endian uint32 count, rows, cols
LABELS_MAGIC = 2049  # idx header: magic, then big-endian uint32 count
_CHUNK = 1 << 20


class MNISTDataError(ValueError):
    """A data file is corrupt, truncated or not MNIST (wrong checksum or layout)."""


class MNISTNotFoundError(FileNotFoundError):
    """No MNIST data where it was looked for, and it could not be downloaded."""


def load_data(path=None, *, cache_dir=None, download=True):
    """Return ``((x_train, y_train), (x_test, y_test))`` as uint8 arrays.

    Same arrays as ``keras.datasets.mnist.load_data()``. See the module
    docstring for where the data is looked for; raises ``MNISTNotFoundError``
    when there is none and ``MNISTDataError`` when a file is bad.
    """
    arrays, _ = _load(path, cache_dir, download)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


class MNISTLoader:
    """The handbook's MNIST loader: float images in [0, 1] and seeded batches.

    ``train_data``/``test_data`` have shape (n, 28, 28, 1) and dtype
    ``standardize_dtype(dtype)`` (``floatx()``, float32 by default), computed as
    the handbook does, ``x.astype(dtype) / 255``; ``train_label``/``test_label`` are
    int32. ``source`` names the folder or file the data came from. Loaders
    built with the same ``seed`` yield the same sequence of batches (``seed=None``:
    fresh entropy each time).

    The images are kept as the uint8 they are stored in (47 MB, not 188 MB of
    float32) and scaled where they are used: ``get_batch`` scales the rows it
    draws, and ``train_data``/``test_data`` are scaled on first access (then kept,
    and ``get_batch`` draws from them, so an edit of them is seen). Scaling a row
    alone or with all the others gives the same floats: one division each.
    """

    def __init__(self, path=None, *, seed=None, dtype=None, cache_dir=None, download=True):
        self.dtype = standardize_dtype(dtype)
        arrays, self.source = _load(path, cache_dir, download)
        self._images = {"train": arrays["x_train"], "test": arrays["x_test"]}  # uint8, (n, 28, 28)
        self._scaled = {}  # split -> its scaled images, made on first access (shared by copies of the loader)
        self.train_label = arrays["y_train"].astype(np.int32)
        self.test_label = arrays["y_test"].astype(np.int32)
        self.num_train_data = self._images["train"].shape[0]
        self.num_test_data = self._images["test"].shape[0]
        self.rng = np.random.default_rng(seed)

    @property
    def train_data(self):
        """The training images, (n, 28, 28, 1), scaled to [0, 1] in the loader's dtype."""
        return self._scaled_images("train")

    @train_data.setter
    def train_data(self, images):
        self._scaled["train"] = images

    @property
    def test_data(self):
        """The test images, (n, 28, 28, 1), scaled to [0, 1] in the loader's dtype."""
        return self._scaled_images("test")

    @test_data.setter
    def test_data(self, images):
        self._scaled["test"] = images

    def _scaled_images(self, split):
        if split not in self._scaled:
            self._scaled[split] = _scale(self._images[split], self.dtype)
        return self._scaled[split]

    def get_batch(self, batch_size):
        """Return ``(images, labels)`` for ``batch_size`` training examples.

        The indices are drawn uniformly with replacement from ``self.rng``.
        The images are the rows of ``train_data``, scaled here from the
        stored uint8 unless ``train_data`` has been made already.
        """
        check_positive_int("batch_size", batch_size)
        index = self.rng.integers(0, self.num_train_data, batch_size)
        scaled = self._scaled.get("train")
        images = scaled[index] if scaled is not None else _scale(self._images["train"][index], self.dtype)
        return images, self.train_label[index]


def _scale(images, dtype):
    """The handbook's ``expand_dims(x.astype(float32) / 255.0, -1)``, in ``dtype``."""
    scaled = images.astype(dtype)
    scaled /= dtype.type(255)  # in place: the same values as `/ 255.0`, half the memory
    return scaled[..., np.newaxis]


# --- finding the data --------------------------------------------------------


def _load(path, cache_dir, download):
    """Return the four arrays by key, and the folder or file they came from."""
    source = _locate(path, cache_dir, download)
    arrays = _read_idx_folder(source) if source.is_dir() else _read_npz(source)
    return arrays, str(source)


def _locate(path, cache_dir, download):
    """The idx folder or npz file to read, in the order the module docstring gives."""
    if path is not None:
        return _given_source(path, "the `path` argument")
    if os.environ.get("MNIST_PATH"):
        return _given_source(os.environ["MNIST_PATH"], "the MNIST_PATH environment variable")

    cached = _cache_folder(cache_dir) / NPZ_NAME
    if cached.is_file():
        return cached
    if not download:
        raise MNISTNotFoundError(_how_to_supply(cached, "not tried, download=False"))
    try:
        _download(URL, cached)
    except (OSError, http.client.HTTPException, MNISTDataError) as exc:
        raise MNISTNotFoundError(_how_to_supply(cached, f"failed: {exc}")) from exc
    return cached


def _given_source(path, what):
    """Resolve a user-given path to an idx folder or an npz file, or say what is wrong."""
    path = Path(os.fspath(path)).expanduser()
    if path.is_file():
        return path
    if not path.is_dir():
        raise MNISTNotFoundError(f"No MNIST data at {str(path)!r}, given by {what}: it does not exist.")
    missing = [name for name in IDX_FILES.values() if not (path / name).is_file()]
    if not missing:
        return path
    if (path / NPZ_NAME).is_file():
        return path / NPZ_NAME
    raise MNISTNotFoundError(
        f"No MNIST data in the folder {str(path)!r}, given by {what}: it holds neither {NPZ_NAME} "
        f"nor all four idx files (missing: {', '.join(missing)})."
    )


def _cache_folder(cache_dir):
    """Where Keras caches its datasets: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    if cache_dir is not None:
        return Path(os.fspath(cache_dir)).expanduser()
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(keras_home).expanduser() / "datasets"


def _how_to_supply(cached, download_outcome):
    """The message for "no data": every way to supply it, and what the download did."""
    files = ", ".join(IDX_FILES.values())
    return (
        "No MNIST data found. Supply it in one of these ways:\n"
        f"  * set MNIST_PATH to a folder holding the four idx files ({files}), "
        f"or to a Keras {NPZ_NAME};\n"
        "  * pass that folder or file as the `path` argument of load_data() or MNISTLoader();\n"
        f"  * place {NPZ_NAME} (sha256 {SHA256[NPZ_NAME]}) at {cached}, the Keras cache "
        "(KERAS_HOME moves it);\n"
        f"  * let it be downloaded from {URL} (download {download_outcome})."
    )


def _download(url, target):
    """Download ``url`` to ``target`` atomically, keeping it only if its sha256 is right.

    The bytes go to a temporary file next to ``target``, which replaces
    ``target`` only once complete and verified, and is removed on any failure.
    """
    with atomic_write(target) as tmp, urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        digest = hashlib.sha256()
        while chunk := response.read(_CHUNK):
            digest.update(chunk)
            tmp.write(chunk)
        expected = SHA256[target.name]
        if digest.hexdigest() != expected:
            raise MNISTDataError(
                f"the file downloaded from {url} has sha256 {digest.hexdigest()}, "
                f"expected {expected}; it was discarded."
            )


# --- reading and checking files ----------------------------------------------


def _verify(path, name):
    """Check that the file at ``path`` has the known sha256 of ``name``, hashing in chunks."""
    digest = hashlib.sha256()  # in chunks (hashlib.file_digest would do it, but is new in Python 3.11)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    actual = digest.hexdigest()
    expected = SHA256[name]
    if actual != expected:
        raise MNISTDataError(
            f"{path} is corrupt, truncated or not the MNIST {name}: its sha256 is {actual}, "
            f"expected {expected}. Replace it with a good copy or point MNIST_PATH at good files; "
            f"a cached {NPZ_NAME} can simply be deleted, and is then downloaded again from {URL}."
        )


def _read_idx_folder(folder):
    """Read the four idx .gz files in ``folder`` into arrays keyed like mnist.npz."""
    paths = {key: folder / name for key, name in IDX_FILES.items()}
    arrays = {}
    for key, path in paths.items():
        _verify(path, path.name)
        arrays[key] = _read_idx(path, IMAGES_MAGIC if key.startswith("x") else LABELS_MAGIC)
    _check_arrays(arrays, paths)
    return arrays


def _read_idx(path, magic):
    """Decode one gzipped idx file, checking its magic number and size against its header."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as exc:
        raise MNISTDataError(f"{path} is not a readable gzip file ({exc}).") from exc
    ndim = 3 if magic == IMAGES_MAGIC else 1
    header = 4 * (1 + ndim)
    if len(raw) < header:
        raise MNISTDataError(f"{path} holds {len(raw)} bytes, too few for an idx header ({header} bytes).")
    found = int.from_bytes(raw[:4], "big")
    if found != magic:
        raise MNISTDataError(f"{path} has idx magic number {found}, expected {magic}.")
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    if len(raw) != header + int(np.prod(shape)):
        raise MNISTDataError(
            f"{path} holds {len(raw) - header} data bytes after its header, but the header "
            f"announces shape {shape}, that is {int(np.prod(shape))} bytes."
        )
    # bytearray makes the array writable, as np.load's arrays are.
    return np.frombuffer(bytearray(raw), np.uint8, offset=header).reshape(shape)


def _read_npz(path):
    """Read a Keras mnist.npz into its four arrays."""
    _verify(path, NPZ_NAME)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in IDX_FILES if key in npz.files}
            found = npz.files
    except Exception as exc:  # np.load fails in many ways: ValueError, BadZipFile, OSError, ...
        raise MNISTDataError(f"{path} is not a readable npz file ({exc!r}).") from exc
    if len(arrays) < len(IDX_FILES):
        raise MNISTDataError(f"{path} holds the arrays {found}; expected {list(IDX_FILES)}.")
    _check_arrays(arrays, {key: f"{path}[{key!r}]" for key in IDX_FILES})
    return arrays


def _check_arrays(arrays, where):
    """Check that each x is uint8 (n, 28, 28) and its y uint8 (n,); ``where`` names each array's origin."""
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        x_where, y_where = where[f"x_{split}"], where[f"y_{split}"]
        if x.dtype != np.uint8 or x.shape[1:] != (28, 28):
            raise MNISTDataError(
                f"{x_where} holds {x.dtype} images of shape {x.shape}; expected uint8 of shape (n, 28, 28)."
            )
        if y.dtype != np.uint8 or y.shape != x.shape[:1]:
            raise MNISTDataError(
                f"{y_where} holds {y.dtype} labels of shape {y.shape}; "
                f"expected uint8 of shape {x.shape[:1]}, one per image of {x_where}."
            )
