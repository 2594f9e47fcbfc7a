"""Worker side of the peers: their training paced like the other modes, and their sweep steps.

This module imports neither framework at the top (the parent unpickles
nothing from it but class references); :mod:`.torch_handbook` and
:mod:`.jax_handbook`, which do, are imported inside the methods, in the workers.
"""

import os

from .. import timing, workload
from ..memory import PeakMemory
from ..pacing import PacedLoader, PacedRun, PacedTraining
from ..workload import BATCH_SIZE, EPOCHS, LEARNING_RATE, SEED_STEPS


def torch_settings():
    """PyTorch's version and thread counts (imports torch)."""
    import torch

    return {"torch": torch.__version__, "threads": torch.get_num_threads(),
            "interop_threads": torch.get_num_interop_threads()}


def jax_settings():
    """JAX's version, backend and devices, and which Adam the JAX mode uses (imports jax)."""
    import jax

    from . import jax_handbook

    return {"jax": jax.__version__, "backend": jax.default_backend(), "devices": [str(d) for d in jax.devices()],
            "optax": jax_handbook.optax.__version__ if jax_handbook.optax else None,
            "adam": "optax.adam" if jax_handbook.optax else "hand-written (optax not installed)"}


class TorchRun(PacedRun):
    """:func:`.torch_handbook.train` from the common initial weights, eager or under ``torch.compile``."""

    def __init__(self, compile=False, seed=0, data_path=None, total_steps=SEED_STEPS):
        import torch

        from . import torch_handbook

        self.loader = workload.data(data_path, "float32", seed)
        (torch.zeros(1) + 1).item()  # start torch's runtime (thread pool) before the memory baseline
        self.memory = PeakMemory()
        self.compile = compile
        if compile:
            import torch._inductor.config

            # Compile in this process: Inductor's default pool of compile subprocesses would go on starting up
            # (importing torch, seconds of CPU) while the other modes' blocks run, and slow them down.
            torch._inductor.config.compile_threads = 1
        self.model = torch_handbook.MLP()
        self.model.set_keras_weights(workload.reference_initial_weights(seed, "float32"))

        def train(tick):
            torch_handbook.train(self.model, PacedLoader(self.loader, tick), num_epochs=EPOCHS, batch_size=BATCH_SIZE,
                             learning_rate=LEARNING_RATE, compile=compile, on_batch=self._on_batch)

        self.paced = PacedTraining(train)

    def accuracy(self):
        """Accuracy on the 10,000 test images: one forward pass (:func:`.torch_handbook.evaluate`)."""
        from . import torch_handbook

        return torch_handbook.evaluate(self.model, self.loader.test_data, self.loader.test_label)

    def describe(self):
        return dict(torch_settings(), compiled=self.compile)


class JaxRun(PacedRun):
    """:func:`.jax_handbook.train` (the jitted step) from the common initial weights, reading the loss every
    ``read_loss_every`` steps (1: the handbook's loop; more: pipelined, the queued steps waited for at each pause)."""

    def __init__(self, seed=0, data_path=None, total_steps=SEED_STEPS, read_loss_every=1):
        import jax
        import jax.numpy as jnp

        from . import jax_handbook

        self.loader = workload.data(data_path, "float32", seed)
        # the test set lives on the device, as a JAX user would keep it; it counts as data, like MNIST
        self._test = jnp.asarray(self.loader.test_data), jnp.asarray(self.loader.test_label)
        self.memory = PeakMemory()
        self.params = jax_handbook.init_params(workload.reference_initial_weights(seed, "float32"))

        def train(tick):
            jax_handbook.train(self.params, PacedLoader(self.loader, tick), num_epochs=EPOCHS, batch_size=BATCH_SIZE,
                               learning_rate=LEARNING_RATE, on_batch=self._on_batch, on_params=self._set_params,
                               read_loss_every=read_loss_every)

        self.read_loss_every = read_loss_every
        self.paced = PacedTraining(train, sync=None if read_loss_every == 1 else
                                   lambda: jax.block_until_ready(self.params))

    def _set_params(self, params):
        self.params = params  # the step donates the old ones: keep the new ones for the evaluations

    def accuracy(self):
        """Accuracy on the 10,000 test images: one jitted forward pass (:func:`.jax_handbook.accuracy`)."""
        from . import jax_handbook

        return float(jax_handbook.accuracy(self.params, *self._test))

    def describe(self):
        return dict(jax_settings(), read_loss_every=self.read_loss_every)


# --- the sweeps (benchmarks.sweeps) -------------------------------------------------------


class _PeerSweep:
    """Worker side: one peer's training step at one (batch size, width) point at a time.

    Same interface as ``benchmarks.sweeps.TensorFlowSweep``. A subclass's
    ``prepare`` builds the point's model with its framework's own
    initialisation and a fresh Adam, then calls :meth:`_start`; its
    ``_train_on(X, y)`` runs one step and reads the loss.
    """

    def __init__(self, seed=0, data_path=None):
        self._seed = seed
        self._loader = workload.data(data_path, "float32", seed)

    def _start(self, batch_size, convert, warmup_steps):
        """Draw the point's two batches (``convert(X, y)`` makes them tensors; used in turn), run the warm-up
        steps; return the last one's time."""
        self._batches = [convert(*self._loader.get_batch(batch_size)) for _ in range(2)]
        self._calls = 0
        return self.run(warmup_steps)[-1]

    def _one_step(self):
        X, y = self._batches[self._calls % 2]
        self._calls += 1
        self._train_on(X, y)

    def run(self, steps, budget=None):
        """Time ``steps`` steps (fewer if they take ``budget`` seconds)."""
        return timing.time_calls(self._one_step, steps, budget)


class TorchSweep(_PeerSweep):
    """:func:`.torch_handbook.make_train_step` (eager), with torch's default initialisation of ``Linear``."""

    def prepare(self, batch_size, hidden, warmup_steps):
        import torch

        from . import torch_handbook

        torch.manual_seed(self._seed)
        model = torch_handbook.MLP(hidden)
        self._train_step = torch_handbook.make_train_step(model, torch_handbook.make_optimizer(model, LEARNING_RATE))
        return self._start(batch_size, lambda X, y: (torch.from_numpy(X), torch.from_numpy(y).long()),
                           warmup_steps)

    def _train_on(self, X, y):
        self._train_step(X, y).item()

    def threads(self):
        return torch_settings()["threads"]

    def describe(self):
        return torch_settings()


class JaxSweep(_PeerSweep):
    """:func:`.jax_handbook.make_train_step` (jitted), with Glorot-uniform weights from ``jax.nn.initializers``."""

    def prepare(self, batch_size, hidden, warmup_steps):
        import jax
        import jax.numpy as jnp

        from . import jax_handbook

        glorot = jax.nn.initializers.glorot_uniform()
        key1, key2 = jax.random.split(jax.random.key(self._seed))
        self._params = jax_handbook.init_params([glorot(key1, (workload.INPUTS, hidden)), jnp.zeros(hidden),
                                             glorot(key2, (hidden, workload.CLASSES)), jnp.zeros(workload.CLASSES)])
        optimizer = jax_handbook.adam(LEARNING_RATE)
        self._opt_state = optimizer.init(self._params)
        self._train_step = jax_handbook.make_train_step(optimizer)
        return self._start(batch_size, lambda X, y: (jnp.asarray(X), jnp.asarray(y)), warmup_steps)

    def _train_on(self, X, y):
        self._params, self._opt_state, loss = self._train_step(self._params, self._opt_state, X, y)
        float(loss)

    def threads(self):
        """XLA's CPU client runs on every core this process may use."""
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    def describe(self):
        return jax_settings()
