"""How much to measure: the full run and the quick (smoke-test) run.

Every count that differs between ``python -m benchmarks`` and
``python -m benchmarks --quick`` lives in a :class:`Plan`.
"""

import dataclasses

from .workload import SEED_STEPS, STEPS_PER_EPOCH


@dataclasses.dataclass(frozen=True)
class Plan:
    """Step counts, sweep points and repetitions of one benchmark run.

    The handbook's training runs in blocks: the first ``warmup_steps`` steps
    (tracing, first calls; timed but kept apart), then blocks of
    ``eval_every`` steps, each followed by an evaluation of the test set,
    until ``total_steps``. Each block of one mode is followed by a block of
    each other mode (round-robin).
    """

    name: str
    total_steps: int              # of the handbook's training, per mode
    warmup_steps: int
    eval_every: int
    sweep_batch_sizes: tuple
    sweep_widths: tuple           # hidden units, at the handbook's batch size
    sweep_rounds: int             # interleaved blocks per side and sweep point
    sweep_block_seconds: float    # aimed-at length of one sweep block
    sweep_warmup_steps: int
    micro_rounds: int
    micro_calls: int              # per round, op and side
    profile_warmup_steps: int     # untimed steps before the profile (Adam's slots settle)
    profile_steps: int
    profile_op_steps: int         # with every op instrumented
    profile_cprofile_steps: int
    peak_size: int                # n of the n×n float32 matrix product that measures the peak
    peak_repeats: int

    def __post_init__(self):
        if not 0 < self.warmup_steps < self.eval_every:
            raise ValueError(f"`warmup_steps` must be in (0, eval_every={self.eval_every}), "
                             f"got {self.warmup_steps}.")
        if self.total_steps % self.eval_every:
            raise ValueError(f"`total_steps`={self.total_steps} must be a multiple of "
                             f"`eval_every`={self.eval_every}.")
        if self.total_steps > STEPS_PER_EPOCH and self.total_steps % STEPS_PER_EPOCH:
            raise ValueError(f"`total_steps`={self.total_steps} must be at most one epoch "
                             f"({STEPS_PER_EPOCH}) or whole epochs, for `fit`.")

    @property
    def boundaries(self):
        """The steps after which every mode pauses: the warm-up's end, then every evaluation."""
        return [self.warmup_steps] + list(range(self.eval_every, self.total_steps + 1, self.eval_every))

    @property
    def is_seed_run(self):
        """Whether the handbook's whole training (6,000 steps) is run, rather than estimated."""
        return self.total_steps == SEED_STEPS


FULL = Plan(
    name="full", total_steps=SEED_STEPS, warmup_steps=10, eval_every=200,
    sweep_batch_sizes=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096),
    sweep_widths=(100, 256, 512, 1024, 2048, 4096),
    sweep_rounds=5, sweep_block_seconds=0.15, sweep_warmup_steps=3,
    micro_rounds=5, micro_calls=100,
    profile_warmup_steps=1000, profile_steps=2000, profile_op_steps=1000, profile_cprofile_steps=300,
    peak_size=2048, peak_repeats=7,
)

QUICK = Plan(
    name="quick", total_steps=60, warmup_steps=3, eval_every=20,
    sweep_batch_sizes=(1, 64, 1024), sweep_widths=(100, 1024),
    sweep_rounds=2, sweep_block_seconds=0.02, sweep_warmup_steps=2,
    micro_rounds=2, micro_calls=10,
    profile_warmup_steps=10, profile_steps=50, profile_op_steps=30, profile_cprofile_steps=20,
    peak_size=1024, peak_repeats=3,
)
