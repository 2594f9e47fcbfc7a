"""Learning-rate schedules, mirroring ``keras/src/optimizers/schedules``: ``reference.optimizers.schedules.X`` is
``keras.optimizers.schedules.X``."""

from .learning_rate_schedule import (  # noqa: F401
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
    deserialize,
    serialize,
)
