"""Peers: the handbook's training in PyTorch and in JAX, timed beside the reference and TensorFlow.

Modes (registered in :data:`benchmarks.modes.MODES`):

============== ===================================================================================
torch-eager    :mod:`.torch_handbook`: the handbook MLP as a ``torch.nn.Module``, ``torch.optim.Adam``
torch-compile  the same step under ``torch.compile`` (Inductor, C++ on this CPU)
jax-jit        :mod:`.jax_handbook`: ``jax.jit`` of the whole step, ``optax.adam`` (or a hand-written
               Adam without optax), reading the loss every step as the handbook does
jax-jit-pipelined  the same reading the loss once an epoch, so JAX's asynchronous dispatch queues
               the next steps while XLA computes (see :mod:`benchmarks.modes` on the two loops)
============== ===================================================================================

Each is written as a user of that framework would write it, and measured
like the other modes: same initial weights
(``workload.reference_initial_weights(seed, "float32")``, transposed into
``Linear``'s (out, in) layout for PyTorch), same batches (a seeded
``MNISTLoader`` behind the same :class:`benchmarks.pacing.PacedLoader`), the
same figures and the same round-robin rounds (:mod:`benchmarks.modes`). The
loss is Keras's eager one, ``-log clip(p)[y] + log Σ clip(p)`` on the
softmax probabilities (see :mod:`.torch_handbook` for how it differs from the
natural ``cross_entropy(logits, y)``). Threads: each framework's default
(PyTorch: ``torch.get_num_threads()``, one per physical core; XLA's CPU
client: all cores), reported in the machine section.

Adam: every side uses lr = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-7, but not the
same formula (:data:`ADAM_NOTES`):

* Keras (and the reference): ``m += (g - m)(1 - β₁)``, ``v += (g² - v)(1 - β₂)``,
  ``α = lr·sqrt(1 - β₂ᵗ)/(1 - β₁ᵗ)``, ``w -= α·m/(sqrt(v) + ε)``: ε is added
  to ``sqrt(v)``, not to ``sqrt(v̂)`` (Kingma & Ba's "ε-hat" form), which
  amounts to ``ε/sqrt(1 - β₂ᵗ)`` in the textbook form: 31.6 ε at the first
  step, falling to ε.
* PyTorch: ``m.lerp_(g, 1 - β₁)`` (the same as Keras), ``v = β₂·v + (1 - β₂)·g²``,
  ``w -= lr/(1 - β₁ᵗ) · m/(sqrt(v)/sqrt(1 - β₂ᵗ) + ε)``: ε added to ``sqrt(v̂)``.
* optax: ``m = β₁·m + (1 - β₁)·g``, ``v = β₂·v + (1 - β₂)·g²``,
  ``w -= lr · m̂/(sqrt(v̂ + ε_root) + ε)``: ε added to ``sqrt(v̂)``, plus
  ``eps_root`` (0 by default) inside the root. The hand-written fallback
  computes the same.

The updates agree to rounding once ``sqrt(v̂) ≫ ε``; they differ most for
weights whose gradients are tiny and for the first steps.

Imports: the parent process imports neither torch nor jax (this package
only asks ``importlib`` whether they are installed); each peer's worker
imports its framework and the NumPy reference (for the data and the initial
weights), never TensorFlow.
"""

import importlib.util

# framework -> (name in the report, the module that must be importable, the modes that need it)
FRAMEWORKS = {
    "torch": ("PyTorch", "torch", ("torch-eager", "torch-compile")),
    "jax": ("JAX", "jax", ("jax-jit", "jax-jit-pipelined")),
}

INSTALL_HINT = "pip install -e '.[peers]'"

ADAM_NOTES = (
    "Keras (and the reference): α = lr·sqrt(1-β₂ᵗ)/(1-β₁ᵗ), w -= α·m/(sqrt(v)+ε), m += (g-m)(1-β₁): ε is added to "
    "sqrt(v), not sqrt(v̂) (the \"ε-hat\" form: ε/sqrt(1-β₂ᵗ) in the textbook form, 31.6ε at step 1).",
    "PyTorch (torch.optim.Adam, default for-loop implementation on CPU): w -= lr/(1-β₁ᵗ)·m/(sqrt(v)/sqrt(1-β₂ᵗ)+ε): "
    "ε added to sqrt(v̂); m by lerp (the same as Keras), v = β₂v + (1-β₂)g².",
    "optax.adam (and the hand-written fallback): w -= lr·m̂/(sqrt(v̂+ε_root)+ε): ε added to sqrt(v̂), plus ε_root "
    "(0 by default) inside the root.",
    "All with lr 1e-3, β 0.9/0.999, ε 1e-7; the updates agree to rounding once sqrt(v̂) ≫ ε.",
)


def installed(framework):
    """Whether ``framework`` (a key of :data:`FRAMEWORKS`) can be imported, without importing it."""
    return importlib.util.find_spec(FRAMEWORKS[framework][1]) is not None


def not_installed(mode_names):
    """``(kept, notes)``: the modes whose framework is installed, and a note for each framework that is not."""
    kept, notes = list(mode_names), []
    for framework, (label, _, modes) in FRAMEWORKS.items():
        missing = [name for name in kept if name in modes]
        if missing and not installed(framework):
            notes.append(f"{label} is not installed ({INSTALL_HINT}): {', '.join(missing)} not measured.")
            kept = [name for name in kept if name not in modes]
    return kept, notes


def measured_settings(results, mode_table):
    """``{framework: settings}`` of the peers in ``results``, from their modes' workers or else their sweeps'.

    ``mode_table`` is :data:`benchmarks.modes.MODES` (passed in: that module imports this one).
    """
    found = {}
    for name in results.get("modes", {}).get("modes", {}):
        found.setdefault(mode_table[name].side, results["modes"]["modes"][name]["settings"])
    for key, side in results.get("sweeps", {}).get("sides", {}).items():
        if "settings" in side:
            found.setdefault(mode_table[key].side, side["settings"])
    return {framework: settings for framework, settings in found.items() if framework in FRAMEWORKS}
