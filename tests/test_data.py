"""Tests of reference.data, the MNIST loader, on small synthetic files.

The synthetic files do not have MNIST's checksums, so tests that should read
them successfully first `trust` them (put their sha256 in ``data.SHA256``).
The real data is only used by the ``mnist``-marked test, when MNIST_PATH is set.
"""

import functools
import gzip
import hashlib
import http.server
import os
import re
import socket
import struct
import threading

import numpy as np
import pytest

from reference import config, data

REAL_MNIST_PATH = os.environ.get("MNIST_PATH")  # read before `isolated` clears it


# --- helpers ------------------------------------------------------------------


def fake_mnist(seed, n_train=6, n_test=4):
    """Small random uint8 arrays keyed like mnist.npz, with pixels 0 and 255 present."""
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    arrays["x_train"][0, 0, :2] = [0, 255]
    return arrays


def idx_bytes(array, magic=None):
    """The idx encoding of ``array``: magic, big-endian dims, then the uint8 data."""
    magic = magic or (data.IMAGES_MAGIC if array.ndim == 3 else data.LABELS_MAGIC)
    return struct.pack(f">{1 + array.ndim}I", magic, *array.shape) + array.tobytes()


def write_idx_folder(folder, arrays):
    """Write ``arrays`` as the four canonical idx .gz files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in data.IDX_FILES.items():
        (folder / name).write_bytes(gzip.compress(idx_bytes(arrays[key]), compresslevel=1))
    return folder


def write_npz(path, arrays):
    """Write ``arrays`` as a Keras-style npz at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def trust(monkeypatch, *paths):
    """Make the loader accept these files: their sha256 becomes the known one of their name."""
    for path in paths:
        name = path.name if path.name in data.SHA256 else data.NPZ_NAME
        monkeypatch.setitem(data.SHA256, name, sha256(path))


def trust_idx_folder(monkeypatch, folder):
    trust(monkeypatch, *(folder / name for name in data.IDX_FILES.values()))


def assert_same(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    for got, key in [(x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")]:
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])


def raises_about(path, pattern):
    """``pytest.raises(MNISTDataError)`` whose message is ``path`` followed by ``pattern`` (a regex)."""
    return pytest.raises(data.MNISTDataError, match=re.escape(str(path)) + " " + pattern)


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens, so connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist.npz"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No MNIST_PATH or KERAS_HOME, a fresh HOME, and a download URL that cannot reach the internet."""
    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(data, "URL", closed_port_url())


@pytest.fixture
def idx_folder(tmp_path, monkeypatch):
    """A trusted folder of synthetic idx files; returns (folder, arrays)."""
    arrays = fake_mnist(seed=0)
    folder = write_idx_folder(tmp_path / "idx", arrays)
    trust_idx_folder(monkeypatch, folder)
    return folder, arrays


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def http_root(tmp_path, monkeypatch):
    """Serve a folder over http on 127.0.0.1 and point data.URL at its mnist.npz."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setattr(data, "URL", f"http://127.0.0.1:{server.server_port}/mnist.npz")
    yield root
    server.shutdown()
    server.server_close()
    thread.join()


# --- parsing ------------------------------------------------------------------


def test_load_data_reads_an_idx_folder(idx_folder):
    folder, arrays = idx_folder
    assert_same(data.load_data(folder), arrays)


def test_idx_arrays_are_writable_like_keras(idx_folder):
    (x_train, _), _ = data.load_data(idx_folder[0])
    x_train[0, 0, 0] = 7


@pytest.mark.parametrize("as_folder", [False, True], ids=["npz-file", "folder-with-npz"])
def test_load_data_reads_an_npz(tmp_path, monkeypatch, as_folder):
    arrays = fake_mnist(seed=1)
    npz = write_npz(tmp_path / "npz" / "mnist.npz", arrays)
    trust(monkeypatch, npz)
    assert_same(data.load_data(npz.parent if as_folder else npz), arrays)


def test_idx_files_win_over_an_npz_in_the_same_folder(idx_folder, monkeypatch):
    folder, arrays = idx_folder
    trust(monkeypatch, write_npz(folder / "mnist.npz", fake_mnist(seed=1)))
    assert data.MNISTLoader(folder).source == str(folder)


# --- MNISTLoader ----------------------------------------------------------------


def test_loader_shapes_dtypes_and_scaling(idx_folder):
    folder, arrays = idx_folder
    loader = data.MNISTLoader(folder)
    assert loader.source == str(folder)
    assert (loader.num_train_data, loader.num_test_data) == (6, 4)
    assert loader.train_data.shape == (6, 28, 28, 1) and loader.train_data.dtype == np.float32
    assert loader.test_data.shape == (4, 28, 28, 1) and loader.test_data.dtype == np.float32
    assert loader.train_label.dtype == np.int32 and loader.test_label.dtype == np.int32
    # Bit for bit what the handbook computes.
    np.testing.assert_array_equal(loader.train_data, np.expand_dims(arrays["x_train"].astype(np.float32) / 255.0, -1))
    np.testing.assert_array_equal(loader.test_data, np.expand_dims(arrays["x_test"].astype(np.float32) / 255.0, -1))
    np.testing.assert_array_equal(loader.train_label, arrays["y_train"])
    assert loader.train_data.min() == 0.0 and loader.train_data.max() == 1.0


def test_loader_float64(idx_folder):
    folder, arrays = idx_folder
    loader = data.MNISTLoader(folder, dtype="float64")
    assert loader.train_data.dtype == np.float64 and loader.test_data.dtype == np.float64
    np.testing.assert_array_equal(loader.train_data[..., 0], arrays["x_train"] / 255.0)


def test_loader_dtype_defaults_to_floatx(idx_folder):
    config.set_floatx("float64")  # the autouse fixture restores float32
    assert data.MNISTLoader(idx_folder[0]).train_data.dtype == np.float64


def test_loader_rejects_a_non_float_dtype(idx_folder):
    with pytest.raises(ValueError, match="`dtype` must be a float dtype, got 'int32'"):
        data.MNISTLoader(idx_folder[0], dtype="int32")


def test_get_batch_is_determined_by_the_seed(idx_folder):
    folder, _ = idx_folder
    a, b, c = (data.MNISTLoader(folder, seed=s) for s in (7, 7, 8))
    expected = np.random.default_rng(7)
    for batch_size in (3, 5, 1):
        images, labels = a.get_batch(batch_size)
        images_b, labels_b = b.get_batch(batch_size)
        index = expected.integers(0, 6, batch_size)
        np.testing.assert_array_equal(images, a.train_data[index])
        np.testing.assert_array_equal(labels, a.train_label[index])
        np.testing.assert_array_equal(images, images_b)
        np.testing.assert_array_equal(labels, labels_b)
    assert not np.array_equal(a.get_batch(32)[0], c.get_batch(32)[0])


def test_get_batch_draws_with_replacement(idx_folder):
    loader = data.MNISTLoader(idx_folder[0], seed=0)
    images, labels = loader.get_batch(np.int64(50))  # more than the 6 training examples
    assert images.shape == (50, 28, 28, 1) and labels.shape == (50,)
    assert len(np.unique(images.reshape(50, -1), axis=0)) <= 6


@pytest.mark.parametrize("bad", [0, -3, 2.5, "8", True, None])
def test_get_batch_rejects_a_bad_batch_size(idx_folder, bad):
    loader = data.MNISTLoader(idx_folder[0], seed=0)
    with pytest.raises(ValueError, match=re.escape(f"`batch_size` must be a positive integer, got batch_size={bad!r}")):
        loader.get_batch(bad)


# --- where the data comes from ---------------------------------------------------


@pytest.fixture
def three_sources(tmp_path, monkeypatch):
    """Distinct trusted datasets for the path argument, MNIST_PATH and the cache."""
    explicit = write_idx_folder(tmp_path / "explicit", fake_mnist(seed=10))
    env = write_npz(tmp_path / "env" / "env.npz", fake_mnist(seed=11))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "mnist.npz").write_bytes(env.read_bytes())  # one known npz checksum: same bytes
    trust_idx_folder(monkeypatch, explicit)
    trust(monkeypatch, env)
    return explicit, env, cache


def test_explicit_path_beats_mnist_path_and_cache(three_sources, monkeypatch):
    explicit, env, cache = three_sources
    monkeypatch.setenv("MNIST_PATH", str(env))
    assert data.MNISTLoader(explicit, cache_dir=cache).source == str(explicit)


def test_mnist_path_beats_the_cache(three_sources, monkeypatch):
    explicit, env, cache = three_sources
    monkeypatch.setenv("MNIST_PATH", str(env))
    assert data.MNISTLoader(cache_dir=cache).source == str(env)


def test_the_cache_is_used_last(three_sources):
    _, _, cache = three_sources
    assert data.MNISTLoader(cache_dir=cache, download=False).source == str(cache / "mnist.npz")


def test_keras_home_is_honoured(tmp_path, monkeypatch):
    npz = write_npz(tmp_path / "kh" / "datasets" / "mnist.npz", fake_mnist(seed=2))
    trust(monkeypatch, npz)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert data.MNISTLoader(download=False).source == str(npz)


def test_the_default_cache_is_under_home(tmp_path, monkeypatch):
    npz = write_npz(tmp_path / "home" / ".keras" / "datasets" / "mnist.npz", fake_mnist(seed=2))
    trust(monkeypatch, npz)
    assert data.MNISTLoader(download=False).source == str(npz)


def test_a_missing_explicit_path_is_named(tmp_path):
    with pytest.raises(data.MNISTNotFoundError, match=r"No MNIST data at '.*nowhere', given by the `path` argument"):
        data.load_data(tmp_path / "nowhere")


def test_a_bad_mnist_path_is_named(tmp_path, monkeypatch):
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "train-images-idx3-ubyte.gz").write_bytes(b"")
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "partial"))
    with pytest.raises(data.MNISTNotFoundError) as info:
        data.load_data()
    message = str(info.value)
    assert "MNIST_PATH" in message and str(tmp_path / "partial") in message
    assert "missing: train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz" in message


def test_no_data_and_no_download_lists_the_ways_to_supply_it(tmp_path):
    with pytest.raises(data.MNISTNotFoundError) as info:
        data.load_data(cache_dir=tmp_path / "cache", download=False)
    message = str(info.value)
    for needed in ["MNIST_PATH", "`path` argument", str(tmp_path / "cache" / "mnist.npz"), data.URL, "download=False"]:
        assert needed in message


# --- corrupt and malformed files -------------------------------------------------


def test_a_corrupt_idx_file_is_named_with_both_checksums(idx_folder):
    folder, _ = idx_folder
    bad = folder / "t10k-labels-idx1-ubyte.gz"
    expected = data.SHA256[bad.name]
    bad.write_bytes(bad.read_bytes()[:-5])
    with pytest.raises(data.MNISTDataError) as info:
        data.load_data(folder)
    message = str(info.value)
    for needed in [str(bad), expected, sha256(bad), "MNIST_PATH", "Replace it with a good copy"]:
        assert needed in message


def test_a_truncated_cached_npz_is_named(tmp_path, monkeypatch):
    npz = write_npz(tmp_path / "cache" / "mnist.npz", fake_mnist(seed=3))
    trust(monkeypatch, npz)
    npz.write_bytes(npz.read_bytes()[:1000])
    with raises_about(npz, r"is corrupt, truncated"):
        data.load_data(cache_dir=npz.parent)


def rewrite_trusted(monkeypatch, path, payload):
    """Replace an idx file by ``payload``, gzipped, and trust it."""
    path.write_bytes(gzip.compress(payload, compresslevel=1))
    trust(monkeypatch, path)


def test_a_wrong_magic_number_is_reported(idx_folder, monkeypatch):
    folder, arrays = idx_folder
    path = folder / "train-labels-idx1-ubyte.gz"
    rewrite_trusted(monkeypatch, path, idx_bytes(arrays["y_train"], magic=2051))
    with raises_about(path, r"has idx magic number 2051, expected 2049"):
        data.load_data(folder)


def test_a_size_that_disagrees_with_the_header_is_reported(idx_folder, monkeypatch):
    folder, arrays = idx_folder
    path = folder / "t10k-images-idx3-ubyte.gz"
    rewrite_trusted(monkeypatch, path, idx_bytes(arrays["x_test"])[:-28])
    with raises_about(path, r"holds 3108 data bytes .* shape \(4, 28, 28\), that is 3136"):
        data.load_data(folder)


def test_a_too_short_header_is_reported(idx_folder, monkeypatch):
    folder, _ = idx_folder
    path = folder / "train-images-idx3-ubyte.gz"
    rewrite_trusted(monkeypatch, path, b"\x00\x00\x08\x03")
    with raises_about(path, r"holds 4 bytes, too few for an idx header"):
        data.load_data(folder)


def test_a_truncated_gzip_stream_is_reported(idx_folder, monkeypatch):
    folder, _ = idx_folder
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-100])
    trust(monkeypatch, path)
    with raises_about(path, r"is not a readable gzip file"):
        data.load_data(folder)


def test_images_that_are_not_28_by_28_are_reported(idx_folder, monkeypatch):
    folder, _ = idx_folder
    path = folder / "train-images-idx3-ubyte.gz"
    rewrite_trusted(monkeypatch, path, idx_bytes(np.zeros((6, 27, 28), np.uint8)))
    with raises_about(path, r"holds uint8 images of shape \(6, 27, 28\)"):
        data.load_data(folder)


def test_a_label_count_that_differs_from_the_image_count_is_reported(idx_folder, monkeypatch):
    folder, _ = idx_folder
    path = folder / "t10k-labels-idx1-ubyte.gz"
    rewrite_trusted(monkeypatch, path, idx_bytes(np.zeros(5, np.uint8)))
    with raises_about(path, r"holds uint8 labels of shape \(5,\); expected .*\(4,\)"):
        data.load_data(folder)


def test_an_npz_without_the_keras_keys_is_reported(tmp_path, monkeypatch):
    arrays = fake_mnist(seed=4)
    npz = write_npz(tmp_path / "mnist.npz", {"images": arrays["x_train"]})
    trust(monkeypatch, npz)
    with raises_about(npz, r"holds the arrays \['images'\]; expected"):
        data.load_data(npz)


def test_an_npz_with_the_wrong_dtype_is_reported(tmp_path, monkeypatch):
    arrays = fake_mnist(seed=4)
    arrays["y_test"] = arrays["y_test"].astype(np.int64)
    npz = write_npz(tmp_path / "mnist.npz", arrays)
    trust(monkeypatch, npz)
    with pytest.raises(data.MNISTDataError, match=r"\['y_test'\] holds int64 labels"):
        data.load_data(npz)


# --- downloading ----------------------------------------------------------------


def test_download_fills_the_cache_atomically(http_root, tmp_path, monkeypatch):
    arrays = fake_mnist(seed=5)
    trust(monkeypatch, write_npz(http_root / "mnist.npz", arrays))
    cache = tmp_path / "cache" / "datasets"  # does not exist yet
    assert_same(data.load_data(cache_dir=cache), arrays)
    assert [p.name for p in cache.iterdir()] == ["mnist.npz"]
    assert sha256(cache / "mnist.npz") == sha256(http_root / "mnist.npz")
    (http_root / "mnist.npz").unlink()  # the second load reads the cache, not the server
    assert_same(data.load_data(cache_dir=cache), arrays)


def test_a_download_with_the_wrong_checksum_leaves_nothing_behind(http_root, tmp_path):
    write_npz(http_root / "mnist.npz", fake_mnist(seed=5))  # not trusted
    cache = tmp_path / "cache"
    with pytest.raises(data.MNISTNotFoundError) as info:
        data.load_data(cache_dir=cache)
    message = str(info.value)
    assert sha256(http_root / "mnist.npz") in message and data.SHA256["mnist.npz"] in message
    assert "discarded" in message
    assert list(cache.iterdir()) == []


def test_a_missing_file_on_the_server_is_reported(http_root, tmp_path):
    with pytest.raises(data.MNISTNotFoundError, match="HTTP Error 404"):
        data.load_data(cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_server_that_is_down_gives_the_helpful_error(tmp_path):
    cache = tmp_path / "cache"
    with pytest.raises(data.MNISTNotFoundError) as info:
        data.load_data(cache_dir=cache)
    message = str(info.value)
    for needed in ["MNIST_PATH", "`path` argument", str(cache / "mnist.npz"), data.URL, "Connection refused"]:
        assert needed in message
    assert list(cache.iterdir()) == []


# --- the real data -------------------------------------------------------------


needs_real_mnist = pytest.mark.skipif(
    not REAL_MNIST_PATH, reason="set MNIST_PATH to the MNIST idx folder or mnist.npz to run"
)


@pytest.mark.mnist
@needs_real_mnist
def test_the_real_mnist_arrays(monkeypatch):
    monkeypatch.setenv("MNIST_PATH", REAL_MNIST_PATH)
    (x_train, y_train), (x_test, y_test) = data.load_data(download=False)
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {x.dtype for x in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert set(np.unique(y_train)) == set(range(10)) and set(np.unique(y_test)) == set(range(10))
    assert x_train.min() == 0 and x_train.max() == 255 and x_test.min() == 0 and x_test.max() == 255
    assert list(y_train[:5]) == [5, 0, 4, 1, 9]


@pytest.mark.mnist
@needs_real_mnist
def test_the_real_mnist_loader(monkeypatch):
    monkeypatch.setenv("MNIST_PATH", REAL_MNIST_PATH)
    loader = data.MNISTLoader(seed=0, download=False)
    assert loader.source == REAL_MNIST_PATH
    assert loader.train_data.shape == (60000, 28, 28, 1) and loader.test_data.shape == (10000, 28, 28, 1)
    assert loader.train_data.dtype == np.float32 and loader.train_label.dtype == np.int32
    assert loader.train_data.min() == 0.0 and loader.train_data.max() == 1.0
    assert loader.train_label.min() == 0 and loader.train_label.max() == 9
    images, labels = loader.get_batch(32)
    assert images.shape == (32, 28, 28, 1) and labels.shape == (32,)
