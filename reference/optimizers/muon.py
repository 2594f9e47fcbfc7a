"""``Muon``, mirroring ``keras/src/optimizers/muon.py``."""

import re

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class Muon(Optimizer):
    r"""Muon, as Keras computes it: momentum orthogonalised by a Newton–Schulz iteration for the 2-D
    variables, Keras's AdamW for the others.

    A variable takes the AdamW path when it is not 2-D, or (``exclude_embeddings``) its path contains
    ``"embedding"``, or a regular expression of ``exclude_layers`` is found in its path. Paths are the
    ``names`` given to :meth:`~reference.optimizers.Optimizer.build` (Keras's ``variable.path``).

    Formula:

    $$
    \begin{aligned}
    m_t &= m_{t-1} + \big(g_t + m_{t-1}(\mu - 1)\big) = \mu\, m_{t-1} + g_t \\
    G_t &= g_t + \mu\, m_t \ \ (\text{nesterov}) \quad\text{or}\quad m_t \\
    X_0 &= G_t / (\lVert G_t \rVert_F + 10^{-7}) \quad (\text{transposed if rows} > \text{columns}) \\
    X_{k+1} &= a X_k + \big(b A_k + c A_k^2\big) X_k, \qquad A_k = X_k X_k^\top, \qquad k = 0, \dots, K - 1 \\
    w_t &= w_{t-1} - \eta\, X_K\, \sqrt{\max(n_r, n_c)}\; s
    \end{aligned}
    $$

    on the Muon path, where $g_t$ is the gradient, $\eta$ the learning rate (not cast), $\mu$ = ``momentum``,
    $m$ the slot ``momentums`` (0), $\lVert\cdot\rVert_F$ the Frobenius norm, $a, b, c$ = ``muon_a``,
    ``muon_b``, ``muon_c``, $K$ = ``ns_steps``, $n_r \times n_c$ the variable's shape and $s$ =
    ``rms_rate`` (without it, $w - \eta X_K$). On the AdamW path: Keras's Adam (see :class:`Adam`) with
    ``adam_beta_1``, ``adam_beta_2``, ``epsilon``, the slots ``momentums``/``adam_velocities`` and the learning
    rate times ``adam_lr_ratio``. Weight decay (Keras overrides the base class's): $w \leftarrow w -
    w\lambda\eta$ before either path, with $\lambda$ = ``adam_weight_decay`` on the AdamW path and
    ``weight_decay`` on the Muon path, both through float32, $\eta$ *not* multiplied by ``adam_lr_ratio``.

    Keras vs the textbook:

    * Jordan et al. (2024) and Liu et al. (2025, "Muon is scalable", Moonlight): Keras's momentum is the plain
      $\mu m + g$ (no dampening), the normalisation adds $10^{-7}$ to the Frobenius norm, and the update is
      scaled by $\sqrt{\max(n_r, n_c)}\cdot s$ (Moonlight's $0.2\sqrt{\max(A, B)}$, to match AdamW's update RMS).
    * The quintic coefficients (3.4445, -4.7750, 2.0315) do not converge to the orthogonal factor $UV^\top$ of
      $G = U S V^\top$: they push every singular value into a band around 1 in few steps. With them a gradient
      ``diag(3, 4)`` gives singular values 0.72 and 1.12; the cubic $a = 1.5$, $b = -0.5$, $c = 0$ (classic
      Newton–Schulz) converges to 1.
    * Keras's Newton–Schulz runs in the variable's dtype (the reference implementation of Jordan et al. runs it
      in bfloat16); in float64 Keras fails (see the departures).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros((2, 2), np.float32)
    >>> opt = rk.optimizers.Muon(learning_rate=0.1, rms_rate=None, muon_a=1.5, muon_b=-0.5, muon_c=0.0)
    >>> opt.build([w], names=["dense/kernel"])
    >>> _ = opt.apply_gradients([(np.float32([[3.0, 0.0], [0.0, 4.0]]), w)])
    >>> np.round(w, 4)             # diag(3, 4) orthogonalised is the identity: -0.1·I
    array([[-0.1,  0. ],
           [ 0. , -0.1]], dtype=float32)
    >>> w = np.zeros(2, np.float32)              # 1-D: the AdamW path, -0.1·sign(g) at step 1
    >>> _ = rk.optimizers.Muon(learning_rate=0.1).apply_gradients([(np.float32([2.0, -3.0]), w)])
    >>> np.round(w, 4)
    array([-0.1,  0.1], dtype=float32)

    Slots: ``momentums`` (every variable), ``adam_velocities`` (AdamW-path variables, ``None`` for the
    others), as in Keras.
    """

    SLOTS = ("momentums", "adam_velocities")
    casts_gradient = False  # Keras casts on the AdamW path only: the Muon path runs in the gradient's dtype

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999, adam_weight_decay=0.004,
                 epsilon=1e-7, weight_decay=0.004, name=None, exclude_layers=None, exclude_embeddings=True,
                 muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5,
                 nesterov=True, rms_rate=0.2, **kwargs):
        super().__init__(learning_rate, name=name, weight_decay=weight_decay, **kwargs)
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = exclude_layers or []
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate
        self.momentums, self.adam_velocities = [], []

    def _should_use_adamw(self, variable, index):
        if variable.ndim != 2:
            return True
        path = self._path(index)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def build(self, variables, names=None):
        super().build(variables, names)
        self.momentums = self._zeros_like_each(variables)
        self.adam_velocities = [np.zeros_like(v) if self._should_use_adamw(v, i) else None
                                for i, v in enumerate(variables)]

    def _backend_update_step(self, grads, variables, learning_rate):
        self._uncast_learning_rate = learning_rate  # the Muon path's (Keras passes it on uncast)
        super()._backend_update_step(grads, variables, learning_rate)

    def update_step(self, gradient, variable, lr, index):
        m, v = self.momentums[index], self.adam_velocities[index]
        if v is not None:
            self._adamw_update_step(gradient.astype(variable.dtype, copy=False), variable,
                                    lr * lr.dtype.type(self.adam_lr_ratio), m, v, index)
        else:
            self._muon_update_step(gradient, variable, self._uncast_learning_rate, m)

    def _muon_update_step(self, gradient, variable, lr, m):
        """The Muon path, in Keras's dtypes: the gradient's and the learning rate's are never cast, so a float32
        gradient of a float16 variable (a ``LossScaleOptimizer``'s unscaled one) and the float32 learning rate
        run the iteration in float32; each result is rounded to the slot's or variable's dtype when assigned."""
        dtype = variable.dtype.type
        m += (gradient + m * dtype(self.momentum - 1)).astype(m.dtype, copy=False)       # m += g + m(μ - 1)
        g = gradient + dtype(self.momentum) * m if self.nesterov else m
        update = self.zeropower_via_newtonschulz5(g, self.ns_steps)
        variable -= self.lr_adjust(lr * update).astype(variable.dtype, copy=False)

    def _adamw_update_step(self, gradient, variable, lr, m, v, index):
        dtype = variable.dtype.type
        lr = lr.astype(variable.dtype)
        local_step = dtype(self.iterations + 1)
        beta_1_power = keras_cast(self.adam_beta_1, variable.dtype) ** local_step
        beta_2_power = keras_cast(self.adam_beta_2, variable.dtype) ** local_step
        alpha = lr * np.sqrt(dtype(1) - beta_2_power) / (dtype(1) - beta_1_power)
        t, u = self._scratch[index]
        np.subtract(gradient, m, out=t)
        t *= dtype(1 - self.adam_beta_1)
        m += t                                                    # m += (g - m)(1 - β₁)
        np.square(gradient, out=t)
        t -= v
        t *= dtype(1 - self.adam_beta_2)
        v += t                                                    # v += (g² - v)(1 - β₂)
        np.multiply(m, alpha, out=t)
        np.sqrt(v, out=u)
        u += dtype(self.epsilon)
        t /= u
        variable -= t                                             # w -= m·α / (sqrt(v) + ε)

    def lr_adjust(self, x):
        """``x·sqrt(max(rows, cols))·rms_rate`` (Moonlight's scaling); ``x`` without ``rms_rate``."""
        if self.rms_rate is None:
            return x
        return x * np.sqrt(x.dtype.type(max(x.shape[0], x.shape[1]))) * x.dtype.type(self.rms_rate)

    def zeropower_via_newtonschulz5(self, x, steps):
        """The quintic Newton–Schulz iteration towards ``U·Vᵀ`` of ``x = U·S·Vᵀ``, as Keras runs it."""
        if x.ndim < 2:
            raise ValueError(f"Expected gradient or momentum to have at least 2 dimensions. Received: shape={x.shape}")
        dtype = x.dtype.type
        a, b, c = dtype(self.muon_a), dtype(self.muon_b), dtype(self.muon_c)
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = np.swapaxes(x, -1, -2)
        x = x / (np.sqrt(np.sum(np.square(x), axis=(-2, -1), keepdims=True)) + dtype(1e-7))
        for _ in range(steps):
            temp_a = x @ np.swapaxes(x, -1, -2)
            temp_b = b * temp_a + (c * temp_a) @ temp_a
            x = a * x + temp_b @ x
        if tall:
            x = np.swapaxes(x, -1, -2)
        return x

    def _apply_weight_decay(self, variables, learning_rate):
        for variable in variables:
            index = self._index[id(variable)]
            if not self._use_weight_decay(index, variable):
                continue
            wd = self.adam_weight_decay if self._should_use_adamw(variable, index) else self.weight_decay
            if wd is not None:
                self._decay(variable, index, wd, learning_rate)

    def get_config(self):
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon, "exclude_layers": self.exclude_layers, "muon_a": self.muon_a,
                "muon_b": self.muon_b, "muon_c": self.muon_c, "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum, "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings, "adam_weight_decay": self.adam_weight_decay,
                "rms_rate": self.rms_rate}
