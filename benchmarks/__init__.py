"""Benchmarks: the NumPy reference and TensorFlow, timed side by side in one run.

``python -m benchmarks`` (``--quick`` for a smoke run, ``--help`` for the
options) times the handbook's MNIST training in every mode (:mod:`.modes`: the
reference in float32 and float64, TensorFlow eager, ``tf.function``, XLA and
Keras ``fit``; and, when installed, the peers of :mod:`.peers`: PyTorch
eager, ``torch.compile``, and ``jax.jit`` in the handbook's loop and pipelined), profiles the reference's training
step (:mod:`.step_profile`), times single ops on both sides (:mod:`.micro`)
and sweeps the batch size and the hidden width (:mod:`.sweeps`), then writes a Markdown report, a JSON file
and PNG plots (:mod:`.report`), with the machine's details (:mod:`.machine`)
and the targets (:mod:`.targets`); ``python -m benchmarks readme`` puts the
figures into the README (:mod:`.readme`).

Every side runs in its own worker process (:mod:`.workers`), so importing
this package, or running the parent, never imports TensorFlow (nor torch or
jax; and a peer's worker never imports TensorFlow).
"""
