"""Activation functions, as ``keras.activations`` (``get`` resolves a name).

Each function takes Keras's arguments, with Keras's defaults, and does what
``keras/src/activations/activations.py`` does on the TensorFlow backend:
either one op of :mod:`reference.ops` (where the math and the backward pass
live, named like the TF op Keras lowers to), or the composition Keras writes
(``relu``'s options, ``hard_sigmoid``, ``mish``, ...), built from recorded
ops, so that the tape differentiates it exactly as TF differentiates Keras's
composition, kinks included.

Keras's ``softmax`` and ``sigmoid`` tag their output with its logits
(``output._keras_logits``), so a cross-entropy on that output takes the
logits path even eagerly; these two do the same (:func:`reference.logits.tag_logits`).
``reference.ops.softmax`` and ``reference.ops.sigmoid``, the mirrors of
``tf.nn.softmax`` and ``tf.sigmoid``, do not.

Input dtypes are Keras's on TF: an array keeps its dtype, and each op takes what its TF kernel takes
(:func:`reference.ops.check_kernel_dtype`): most raise a ``TypeError`` on integers and bool; ``relu``, ``relu6``,
the shrinks and ``threshold`` compute in integers (with integer arguments); ``leaky_relu`` casts integers to
float32, ``tanh`` and ``exponential`` integers and bool to ``floatx``.
"""

from . import config, logits, ops


def _in_floatx_if_not_float(x):
    """Keras's ``tanh`` and ``exp``: integer and bool inputs are cast to ``floatx`` first."""
    return x if config.is_float_dtype(x.dtype) else ops.cast(x, config.floatx())


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    r"""The rectified linear unit, ``max(x, 0)`` by default; Keras's ``ReLU.static_call`` with its three options.

    Keras builds it from TF ops, and so does this, so the gradient is the composition's:

    * a slope alone is ``tf.nn.leaky_relu`` (see :func:`leaky_relu`);
    * else ``relu(x)``, or ``relu6(x)`` if ``max_value == 6`` with no threshold, or
      ``where(x > threshold, x, 0)``; then ``clip_by_value(·, 0, max_value)``; then minus
      ``negative_slope · relu(threshold - x)``.

    Keras casts ``threshold`` (in the ``where``) and ``max_value`` with ``ops.cast``, through float32
    (:func:`reference.ops.keras_cast`): in float64, ``relu(0.2, threshold=0.2)`` is 0, since ``float32(0.2) >
    0.2``; ``threshold - x`` and the slope take the Python floats as they are. Integer inputs compute in
    integers (the casts truncate) where every Python scalar they meet is an int (:func:`reference.ops.operand`):
    ``relu`` of an int32 array is int32.

    Formula:

    $$
    \begin{aligned}
    \mathrm{relu}(x) &= c\big(x\,[x > \theta]\big) - s \max(\theta - x,\ 0), \qquad
    c(u) = \begin{cases} \min(\max(u, 0),\ m) & m \text{ given} \\ u & m = \text{None} \end{cases} \\
    \mathrm{relu}'(x) &= [\theta < x]\,[x \le m] + s\,[x < \theta]
    \end{aligned}
    $$

    where $s$ is ``negative_slope``, $m$ is ``max_value`` ($[x \le m] = 1$ without one), $\theta \ge 0$ is
    ``threshold`` (a negative one lets $x \in (\theta, 0)$ through unclipped when $m$ is None) and $[\cdot]$ is 1
    where the condition holds, else 0. The defaults give $\max(x, 0)$ with
    $\mathrm{relu}'(0) = 0$ (TF's ``ReluGrad`` tests $x > 0$). The derivative at the kinks is TF's:

    * at $x = \theta$: 0, plus $s$ on the leaky path ($s \ne 0$, $m$ None, $\theta = 0$), whose slope at 0 is $s$;
    * at $x = m$: 1 (``clip_by_value`` passes the gradient at its bounds), except for ``max_value=6`` with
      $\theta = 0$, which is ``tf.nn.relu6`` and gives 0 at 6 (and at 0).

    Keras vs the textbook:

    * The textbook ReLU (Nair & Hinton, 2010) has no options; ``negative_slope`` makes it the leaky ReLU (Maas
      et al., 2013), ``max_value`` a capped ReLU, ``threshold`` a thresholded ReLU. ``negative_slope`` scales
      ``threshold - x``, not ``x``: below a nonzero threshold the output is $s(x - \theta)$, continuous at $\theta$.
    * ``max_value=6`` and ``max_value=5.999`` differ in more than the cap: the first is ``tf.nn.relu6`` (gradient 0
      at the cap), the second a clip (gradient 1 at the cap).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-1., 0., 5., 7.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.relu(x, max_value=5.)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # relu'(0) = 0; the clip passes the gradient at x = m = 5
    ([0.0, 0.0, 5.0, 5.0], [0.0, 0.0, 1.0, 0.0])
    >>> rk.activations.relu(np.float32([-1., 0.5, 1., 3.]), negative_slope=0.5, max_value=2.,
    ...                     threshold=1.).tolist()   # 0.5·(-1 - 1), 0.5·(0.5 - 1), 0 at θ, capped at 2
    [-1.0, -0.25, 0.0, 2.0]
    >>> rk.activations.relu(np.int32([-2, 3]))     # integers stay integers
    array([0, 3], dtype=int32)
    """
    x = ops.convert_to_tensor(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return ops.leaky_relu(x, alpha=negative_slope)
        minus_x = ops.negative(ops.check_kernel_dtype(x, "Neg", ops.SIGNED))
        negative_part = ops.relu(ops.add(minus_x, ops.operand(threshold, x.dtype, "threshold"))
                                 if threshold != 0 else minus_x)
    clip_max = max_value is not None
    if threshold != 0:
        x = ops.threshold(x, ops.keras_cast(threshold, x.dtype), 0)
    elif max_value == 6:
        x, clip_max = ops.relu6(x), False
    else:
        x = ops.relu(x)
    if clip_max:
        x = ops.clip_by_value(x, ops.keras_cast(0.0, x.dtype), ops.keras_cast(max_value, x.dtype))
    if negative_slope != 0.0:
        x = ops.subtract(x, ops.multiply(ops.operand(negative_slope, x.dtype, "negative_slope"), negative_part))
    return x


def leaky_relu(x, negative_slope=0.2):
    r"""The leaky rectified linear unit: ``x`` above 0, ``negative_slope · x`` at and below (``tf.nn.leaky_relu``).

    Integer inputs are cast to float32 first (``tf.nn.leaky_relu`` does); bool raises.

    Formula:

    $$
    \mathrm{leaky\_relu}(x) = \begin{cases} x & x > 0 \\ s\,x & x \le 0 \end{cases}, \qquad
    \mathrm{leaky\_relu}'(x) = \begin{cases} 1 & x > 0 \\ s & x \le 0 \end{cases}
    $$

    where $s$ is ``negative_slope``, rounded to float32 (TF's ``alpha`` is a float32 attribute of the op): in
    float64 the default slope is $\mathrm{float32}(0.2) = 0.20000000298023224$. At exactly 0 the derivative is $s$
    (TF's ``LeakyReluGrad`` tests $x > 0$). It is a select, so a slope above 1 is not a ``max``.

    Keras vs the textbook:

    * The default slope is 0.2 (TF's), where the leaky ReLU of Maas, Hannun & Ng (2013) and PyTorch's
      ``LeakyReLU`` use 0.01.
    * The slope is a float32 constant whatever the input's dtype.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-2., 0., 3.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.leaky_relu(x, negative_slope=0.25)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # the slope at exactly 0 is 0.25
    ([-0.5, 0.0, 3.0], [0.25, 0.25, 1.0])
    >>> rk.activations.leaky_relu(np.int32([-2, 3])).tolist()   # int32 -> float32; 0.2 in float32 times -2
    [-0.4000000059604645, 3.0]
    """
    return ops.leaky_relu(ops.convert_to_tensor(x), alpha=negative_slope)


def relu6(x):
    r"""The rectified linear unit capped at 6 (``tf.nn.relu6``).

    Integer inputs stay integers (``Relu6`` has integer kernels).

    Formula:

    $$
    \mathrm{relu6}(x) = \min(\max(x, 0),\ 6), \qquad
    \mathrm{relu6}'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & x \le 0 \text{ or } x \ge 6 \end{cases}
    $$

    TF's ``Relu6Grad`` tests the output, $0 < y < 6$: the derivative is 0 at both kinks, exactly 0 and exactly 6.

    Keras vs the textbook:

    * Keras computes the usual formula (Krizhevsky, 2010). Note that ``relu(x, max_value=6)`` is this function
      (gradient 0 at 6), while ``relu(x, max_value=m)`` for any other ``m`` clips with gradient 1 at ``m``.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-1., 0., 3., 6., 8.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.relu6(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # 0 at both kinks
    ([0.0, 0.0, 3.0, 6.0, 6.0], [0.0, 0.0, 1.0, 0.0, 0.0])
    >>> rk.activations.relu6(np.int32([-3, 7]))
    array([0, 6], dtype=int32)
    """
    return ops.relu6(ops.convert_to_tensor(x))


def softmax(x, axis=-1):
    r"""The softmax along ``axis`` (an int, a tuple, or ``None`` for all axes), tagged with its logits.

    Keras sets ``output._keras_logits = x``: a cross-entropy given this output uses ``x`` (from logits, no
    clip), eagerly too. For ``softmax([100, 0, 0])`` and label 1 the sparse cross-entropy is 100, where
    ``tf.nn.softmax``'s untagged output (:func:`reference.ops.softmax`) gives the clipped 16.118095.
    Integer and bool inputs raise a ``TypeError`` (TF's ``Softmax`` takes floats).

    Formula:

    $$
    \mathrm{softmax}(x)_i = \frac{e^{x_i - \max_k x_k}}{\sum_{j} e^{x_j - \max_k x_k}}
    $$

    where $i, j, k$ run over the entries along ``axis`` (over every entry for ``axis=None``). Subtracting the max
    changes nothing mathematically and keeps $e^{x}$ from overflowing.

    Keras vs the textbook:

    * Keras computes the usual formula. Its departure is in what the output carries: the logits tag, which makes
      ``categorical_crossentropy(y, softmax(x))`` equal the from-logits loss of ``x`` instead of the clipped one.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> rk.activations.softmax(np.float32([1000., 1000.])).tolist()   # no overflow: e^0 / (e^0 + e^0)
    [0.5, 0.5]
    >>> y = rk.activations.softmax(np.float32([[100., 0., 0.]]))
    >>> y.round(6).tolist()                    # saturated: the two small entries are e^-100 / 1
    [[1.0, 0.0, 0.0]]
    >>> float(rk.losses.sparse_categorical_crossentropy(np.int32([1]), y)[0])   # from the tagged logits: 100
    100.0
    """
    x = ops.convert_to_tensor(x)
    return logits.tag_logits(ops.softmax(x, axis=axis), x)


def elu(x, alpha=1.0):
    r"""The exponential linear unit: ``x`` above 0, ``alpha (eˣ - 1)`` below (``tf.nn.elu``, Keras's ``where``).

    Integer and bool inputs raise a ``TypeError`` (TF's ``Elu`` takes floats).

    Formula:

    $$
    \mathrm{elu}(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}, \qquad
    \mathrm{elu}'(x) = \begin{cases} 1 & x > 0 \\ \alpha\, e^{x} & x \le 0 \end{cases}
    $$

    where $\alpha$ is ``alpha``. At exactly 0 the derivative is $\alpha$, the left one (for ``alpha=1`` both sides
    give 1): TF's ``EluGrad`` passes the gradient unchanged where the output is not negative, and Keras's
    ``where(x > 0, elu, α·elu)`` scales it by $\alpha$ at 0.

    Keras vs the textbook:

    * The formula of Clevert, Unterthiner & Hochreiter (2016), but TF's kernel computes $e^{x} - 1$, not
      ``expm1``: for $|x|$ below float32's ε the exponential rounds to 1 and ``elu`` returns 0, where the exact
      value is $\approx \alpha x$ (``elu(-1e-10)`` is 0, not -1e-10).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-1e-10, 0., 1.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.elu(x, alpha=2.)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # e^x - 1 = 0 at -1e-10; elu'(0) = alpha = 2
    ([0.0, 0.0, 1.0], [2.0, 2.0, 1.0])
    >>> float(rk.activations.elu(np.float64(-50.)))   # saturates at -alpha
    -1.0
    """
    return ops.elu(ops.convert_to_tensor(x), alpha=alpha)


def selu(x):
    r"""The scaled exponential linear unit (``tf.nn.selu``), with Klambauer et al.'s fixed constants.

    Integer and bool inputs raise a ``TypeError`` (TF's ``Selu`` takes floats).

    Formula:

    $$
    \mathrm{selu}(x) = \begin{cases} \lambda x & x \ge 0 \\ \lambda\alpha\,(e^{x} - 1) & x < 0 \end{cases}, \qquad
    \mathrm{selu}'(x) = \begin{cases} \lambda & x \ge 0 \\ \lambda\alpha\, e^{x} & x < 0 \end{cases}
    $$

    where $\lambda = 1.0507009873554804934$ and $\lambda\alpha = 1.7580993408473768599$ ($\alpha = 1.6732632423543772$),
    TF's constants, rounded to the input's dtype. At exactly 0 the derivative is $\lambda$, the right one (the
    left one is $\lambda\alpha$): TF's ``SeluGrad`` tests the output, $y < 0$.

    Keras vs the textbook:

    * The formula of Klambauer et al. (2017), eq. 2, but TF's kernel computes $e^{x} - 1$, not ``expm1`` (as
      :func:`elu`): for $|x|$ below float32's ε the negative branch returns 0.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float64([-100., 0., 1.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.selu(x)
    >>> y.tolist()                              # saturates at -λα; λ·1
    [-1.7580993408473768, 0.0, 1.0507009873554805]
    >>> tape.gradient(y, x).tolist()            # from the output: y + λα rounds to 0 at -100; selu'(0) = λ
    [0.0, 1.0507009873554805, 1.0507009873554805]
    """
    return ops.selu(ops.convert_to_tensor(x))


def softplus(x):
    r"""The softplus ``log(1 + eˣ)`` (``tf.math.softplus``), a smooth ReLU.

    Integer and bool inputs raise a ``TypeError`` (TF's ``Softplus`` takes floats).

    Formula:

    $$
    \mathrm{softplus}(x) = \begin{cases} x & x > -t \\ \log(1 + e^{x}) & t \le x \le -t \\ e^{x} & x < t \end{cases},
    \qquad \mathrm{softplus}'(x) = \sigma(x) = \frac{1}{1 + e^{-x}}
    $$

    where $t = \log \varepsilon + 2$, $\varepsilon$ the machine epsilon of the dtype ($t = -13.94$ in float32,
    $-34.04$ in float64): TF's kernel (``softplus_op.h``) takes the two shortcuts where $\log(1 + e^{x})$ equals $x$
    or $e^{x}$ to the dtype's precision, so $e^{x}$ never overflows. The derivative is TF's ``_SoftplusGrad``, the
    sigmoid everywhere.

    Keras vs the textbook:

    * Keras computes the usual formula (Dugas et al., 2001), with the kernel's shortcuts: ``softplus(20.)`` in
      float32 is exactly 20.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-20., 0., 20.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.softplus(x)
    >>> y.tolist()                     # e^-20, log 2, and exactly 20 above -t = 13.94
    [2.06115369216775e-09, 0.6931471824645996, 20.0]
    >>> tape.gradient(y, x).tolist()   # σ(x): σ(0) = 1/2
    [2.06115369216775e-09, 0.5, 1.0]
    """
    return ops.softplus(ops.check_kernel_dtype(ops.convert_to_tensor(x), "Softplus"))


def softsign(x):
    r"""The softsign ``x / (1 + |x|)`` (``tf.nn.softsign``), a rational ``tanh``.

    Integer and bool inputs raise a ``TypeError`` (TF's ``Softsign`` takes floats).

    Formula:

    $$
    \mathrm{softsign}(x) = \frac{x}{1 + |x|}, \qquad \mathrm{softsign}'(x) = \frac{1}{(1 + |x|)^2}
    $$

    The derivative is TF's ``SoftsignGrad``; at 0 it is 1, the derivative of the smooth function (the kink of
    $|x|$ cancels).

    Keras vs the textbook:

    * Keras computes the usual formula (Turian, Bergstra & Bengio, 2009).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-3., 0., 1.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.softsign(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # -3/4, 0, 1/2; 1/16, 1, 1/4
    ([-0.75, 0.0, 0.5], [0.0625, 1.0, 0.25])
    >>> rk.activations.softsign(np.int32([1]))
    Traceback (most recent call last):
        ...
    TypeError: Softsign: `x` has dtype int32, and Softsign takes floats only (TF raises on it).
    """
    return ops.softsign(ops.convert_to_tensor(x))


def soft_shrink(x, threshold=0.5):
    r"""The soft shrinkage: ``x`` moved toward 0 by ``threshold``, 0 inside ``[-threshold, threshold]``.

    Keras's nested ``tf.where``. An integer input stays integer with an integer ``threshold``; a float
    ``threshold`` meeting an integer input raises a ``TypeError``, as TF does on a tensor
    (:func:`reference.ops.operand`).

    Formula:

    $$
    \mathrm{soft\_shrink}(x) = \begin{cases} x - \lambda & x > \lambda \\ 0 & -\lambda \le x \le \lambda \\
    x + \lambda & x < -\lambda \end{cases}, \qquad
    \mathrm{soft\_shrink}'(x) = [\,|x| > \lambda\,]
    $$

    where $\lambda$ is ``threshold``. At exactly $\pm\lambda$ the derivative is 0 (the ``where`` routes the
    gradient to the zero branch).

    Keras vs the textbook:

    * Keras computes the usual soft-thresholding operator (Donoho, 1995; PyTorch's ``Softshrink``).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-1., -0.5, 0.25, 2.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.soft_shrink(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # 0 derivative at exactly -0.5
    ([-0.5, 0.0, 0.0, 1.5], [1.0, 0.0, 0.0, 1.0])
    >>> rk.activations.soft_shrink(np.int32([-3, 1, 5]), threshold=2)   # integers with an integer threshold
    array([-1,  0,  3], dtype=int32)
    """
    return ops.soft_shrink(ops.convert_to_tensor(x), threshold=threshold)


def sparse_plus(x):
    r"""The sparse plus: 0 up to -1, a parabola between -1 and 1, the identity from 1 (Keras's ``tf.where``).

    A softplus-like function that is exactly 0 left of -1; its derivative is :func:`sparse_sigmoid`.
    Integer and bool inputs raise a ``TypeError``.

    Formula:

    $$
    \mathrm{sparse\_plus}(x) = \begin{cases} 0 & x \le -1 \\ \tfrac14 (x + 1)^2 & -1 < x < 1 \\ x & x \ge 1 \end{cases},
    \qquad
    \mathrm{sparse\_plus}'(x) = \begin{cases} 0 & x \le -1 \\ \tfrac12 (x + 1) & -1 < x < 1 \\ 1 & x \ge 1 \end{cases}
    $$

    The pieces meet with matching slopes, so TF's gradient at the kinks (0 at -1, 1 at 1, from the branch the
    ``where`` selects) is the derivative.

    Keras vs the textbook:

    * Keras computes the usual formula (Blondel, Martins & Niculae, 2020, "Learning with Fenchel-Young losses",
      §6.2, the 2-Tsallis twin of softplus; JAX's ``sparse_plus``).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-2., -1., 0., 1., 3.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.sparse_plus(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # (0 + 1)²/4 = 0.25; slopes 0 at -1, 1 at 1
    ([0.0, 0.0, 0.25, 1.0, 3.0], [0.0, 0.0, 0.5, 1.0, 1.0])
    """
    return ops.sparse_plus(ops.convert_to_tensor(x))


def silu(x):
    r"""The sigmoid linear unit ``x σ(x)`` (``tf.nn.silu``); also named ``swish``.

    Integer and bool inputs raise a ``TypeError`` (TF's ``Silu`` takes floats).

    Formula:

    $$
    \mathrm{silu}(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}, \qquad
    \mathrm{silu}'(x) = \sigma(x)\,\big(1 + x\,(1 - \sigma(x))\big)
    $$

    where $\sigma$ is the logistic sigmoid. The derivative is TF's custom gradient of ``silu``.

    Keras vs the textbook:

    * Keras computes the SiLU of Elfwing, Uchibe & Doya (2018) (Hendrycks & Gimpel's 2016 SiLU). The swish of
      Ramachandran, Zoph & Le (2017), which ``swish`` is named after, is $x\,\sigma(\beta x)$ with a (trainable)
      $\beta$; Keras's ``swish`` fixes $\beta = 1$ and takes no $\beta$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float64([0., np.log(3.)])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.silu(x)
    >>> np.round(y, 12).tolist(), round(0.75 * float(np.log(3.)), 12)   # σ(log 3) = 3/4
    ([0.0, 0.823959216501], 0.823959216501)
    >>> tape.gradient(y, x).tolist()[0]      # silu'(0) = σ(0) = 1/2
    0.5
    >>> rk.activations.swish is rk.activations.silu
    True
    """
    return ops.silu(ops.convert_to_tensor(x))


swish = silu


def squareplus(x, b=4):
    r"""The squareplus, an algebraic softplus: ``(x + √(x² + b)) / 2``.

    Keras's composition on TF (``b`` converted to ``x``'s dtype). Integer and bool inputs raise a ``TypeError``
    (TF's ``Sqrt`` takes floats).

    Formula:

    $$
    \mathrm{squareplus}(x) = \frac{x + \sqrt{x^2 + b}}{2}, \qquad
    \mathrm{squareplus}'(x) = \frac12 \Big(1 + \frac{x}{\sqrt{x^2 + b}}\Big)
    $$

    where $b \ge 0$ is ``b`` (the width of the curved region); $b = 0$ gives $\max(x, 0)$ (whose gradient at 0 is then
    $0/0$, NaN).

    Keras vs the textbook:

    * Keras computes eq. 3 of Barron (2021), "Squareplus: a softplus-like algebraic rectifier" (Keras's docstring
      credits it to "Ramachandran et al., 2021"), with ``b = 4`` by default, as JAX: squareplus(0) $= \sqrt b / 2 =
      1$, where softplus(0) $= \log 2$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-2., 0., 3.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.squareplus(x)
    >>> y.tolist()[1], tape.gradient(y, x).tolist()[1]   # √4 / 2 = 1; slope 1/2 at 0
    (1.0, 0.5)
    >>> rk.activations.squareplus(x, b=0).tolist()       # b = 0: (x + |x|) / 2 = relu
    [0.0, 0.0, 3.0]
    """
    return ops.squareplus(ops.convert_to_tensor(x), b=b)


def gelu(x, approximate=False):
    r"""The Gaussian error linear unit ``x Φ(x)`` (``tf.nn.gelu``): exact by default, or the tanh approximation.

    A non-float input raises a ``ValueError`` (TF's check on ``features``).

    Formula:

    $$
    \mathrm{gelu}(x) = \begin{cases}
    \dfrac{x}{2}\,\mathrm{erfc}\Big(-\dfrac{x}{\sqrt2}\Big) = x\,\Phi(x) & \texttt{approximate=False} \\[2ex]
    \dfrac{x}{2}\Big(1 + \tanh\Big(\sqrt{2/\pi}\,\big(x + 0.044715\,x^3\big)\Big)\Big) & \texttt{approximate=True}
    \end{cases}
    $$

    where $\Phi$ is the standard normal CDF and ``erfc`` the complementary error function (which keeps the far
    left tail: ``gelu(-10.)`` is $-7.6 \cdot 10^{-23}$, not 0). TF writes $0.044715$ and $1/\sqrt2 =
    0.7071067811865476$ as ``tf.cast`` of Python floats, which go through float32: in float64 they are
    $\mathrm{float32}(0.044715)$ and $\mathrm{float32}(1/\sqrt2)$ (:func:`reference.ops.keras_cast`). The derivative
    is TF's of the same composition; $\mathrm{gelu}'(0) = 1/2$ in both forms.

    Keras vs the textbook:

    * The two forms and the constants are those of Hendrycks & Gimpel (2016), §2, but in float64 two of them are
      float32 numbers: the exact form is off $x\,\Phi(x)$ by a relative $5 \cdot 10^{-9}$ at 1, $3 \cdot 10^{-8}$ at
      -1, $1.7 \cdot 10^{-6}$ at -10 (the error of $\mathrm{float32}(1/\sqrt2)$, $1.7 \cdot 10^{-8}$, times the
      tail's log-slope).
    * ``keras.activations.gelu`` defaults to the exact form (``approximate=False``, as ``tf.nn.gelu``), while
      ``keras.ops.gelu`` defaults to the tanh approximation (``approximate=True``): at 1 the one gives 0.841345,
      the other 0.841192.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([0., 1.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.gelu(x)
    >>> np.round(y.tolist(), 6).tolist(), tape.gradient(y, x).tolist()[0]   # Φ(1) = 0.841345; gelu'(0) = 1/2
    ([0.0, 0.841345], 0.5)
    >>> np.round(rk.activations.gelu(x, approximate=True).tolist(), 6).tolist()
    [0.0, 0.841192]
    >>> float(rk.activations.gelu(np.float64(-10.)))   # the tail, not 0 (x Φ(x) is -7.6198530e-23)
    -7.619866192916435e-23
    """
    return ops.gelu(ops.convert_to_tensor(x), approximate=approximate)


def celu(x, alpha=1.0):
    r"""The continuously differentiable exponential linear unit (Keras's composition on TF).

    Integer and bool inputs raise a ``TypeError`` (TF's ``Expm1`` takes floats).

    Formula:

    $$
    \mathrm{celu}(x) = \max(x, 0) + \alpha\,\mathrm{expm1}\Big(\frac{\min(x, 0)}{\alpha}\Big), \qquad
    \mathrm{celu}'(x) = \begin{cases} 1 & x > 0 \\ 2 & x = 0 \\ e^{x/\alpha} & x < 0 \end{cases}
    $$

    where $\alpha$ is ``alpha`` and $\mathrm{expm1}(u) = e^u - 1$. At exactly 0 the gradient is 2: TF's ``Maximum``
    passes the gradient to $x$ where $x \ge 0$ and ``Minimum`` where $x \le 0$, so at the tie both terms pass,
    1 each.

    Keras vs the textbook:

    * The function is Barron's (2017), whose derivative is continuous and equal to 1 at 0 (the point of the
      "C" in CELU); TF's gradient at exactly 0 is 2.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-1., 0., 2.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.celu(x)
    >>> np.round(y.tolist(), 6).tolist()           # e^-1 - 1, 0, 2
    [-0.632121, 0.0, 2.0]
    >>> np.round(tape.gradient(y, x).tolist(), 6).tolist()   # e^-1, and 2 at exactly 0 (both tie gradients)
    [0.367879, 2.0, 1.0]
    """
    return ops.celu(ops.convert_to_tensor(x), alpha=alpha)


def glu(x, axis=-1):
    r"""The gated linear unit: the first half of ``x`` along ``axis``, gated by the sigmoid of the second.

    ``axis`` must have even size (a ``ValueError`` otherwise, Keras's check). Integer and bool inputs raise a
    ``TypeError``.

    Formula:

    $$
    \mathrm{glu}(x) = a \odot \sigma(b), \qquad x = [\,a \;\; b\,] \text{ along } \texttt{axis}
    $$

    where $a$ and $b$ are the first and second halves of $x$ along ``axis`` (``tf.split`` into 2), $\sigma$ is the
    logistic sigmoid and $\odot$ the elementwise product.

    Keras vs the textbook:

    * Dauphin et al. (2017), eq. 1, gate two learned projections, $(XW + b) \otimes \sigma(XV + c)$; Keras's
      ``glu`` takes the two already concatenated (the first half is the value, the second the gate), as
      PyTorch's ``GLU``.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> rk.activations.glu(np.float32([1., 2., 0., 20.])).tolist()   # [1, 2] · σ([0, 20]): 1/2, and 2 saturated
    [0.5, 2.0]
    >>> rk.activations.glu(np.float32([1., 2., 3.]))
    Traceback (most recent call last):
        ...
    ValueError: glu: the size of `axis` must be divisible by 2, got x.shape=(3,) with axis=-1.
    """
    return ops.glu(ops.convert_to_tensor(x), axis=axis)


def tanh(x):
    r"""The hyperbolic tangent (``tf.nn.tanh``).

    Keras's ``ops.tanh`` casts integer and bool inputs to ``floatx`` first; so does this.

    Formula:

    $$
    \tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}, \qquad \tanh' x = 1 - \tanh^2 x
    $$

    The derivative is TF's ``TanhGrad``, computed from the output.

    Keras vs the textbook:

    * Keras computes the usual formula.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([0., 10.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.tanh(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # saturated: tanh 10 rounds to 1 in float32, slope 0
    ([0.0, 1.0], [1.0, 0.0])
    >>> rk.activations.tanh(np.int32([0, 1])).dtype   # integers go to floatx
    dtype('float32')
    """
    return ops.tanh(_in_floatx_if_not_float(ops.convert_to_tensor(x)))


def tanh_shrink(x):
    r"""The tanh shrinkage ``x - tanh x``, Keras's composition.

    Integer and bool inputs raise a ``TypeError`` (TF's ``Tanh`` takes floats).

    Formula:

    $$
    \mathrm{tanh\_shrink}(x) = x - \tanh x, \qquad \mathrm{tanh\_shrink}'(x) = \tanh^2 x
    $$

    Keras vs the textbook:

    * Keras computes the usual formula (PyTorch's ``Tanhshrink``).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([0., 20.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.tanh_shrink(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # flat at 0; x - 1 once tanh saturates
    ([0.0, 19.0], [0.0, 1.0])
    """
    x = ops.convert_to_tensor(x)
    return ops.subtract(x, ops.tanh(x))


def hard_tanh(x):
    r"""The hard tanh, ``x`` clipped to ``[-1, 1]`` (``tf.clip_by_value``).

    Integer and bool inputs raise a ``TypeError``.

    Formula:

    $$
    \mathrm{hard\_tanh}(x) = \min(\max(x, -1),\ 1), \qquad
    \mathrm{hard\_tanh}'(x) = \begin{cases} 1 & -1 \le x \le 1 \\ 0 & |x| > 1 \end{cases}
    $$

    At exactly $\pm 1$ the derivative is 1: TF builds the clip from ``Maximum`` and ``Minimum``, whose gradients
    go to $x$ on ties.

    Keras vs the textbook:

    * Keras computes the usual formula (Collobert, 2004), with the closed interval for the gradient.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-2., -1., 0.5, 1., 2.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.hard_tanh(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # the gradient passes at exactly ±1
    ([-1.0, -1.0, 0.5, 1.0, 1.0], [0.0, 1.0, 1.0, 1.0, 0.0])
    """
    return ops.clip_by_value(ops.check_kernel_dtype(ops.convert_to_tensor(x), "hard_tanh"), -1.0, 1.0)


def hard_shrink(x, threshold=0.5):
    r"""The hard shrinkage: ``x`` where ``|x| > threshold``, else 0 (Keras's ``tf.where``).

    Integer inputs stay integer with an integer ``threshold``; a float ``threshold`` meeting an integer input raises
    a ``TypeError``, as TF does (:func:`reference.ops.operand`).

    Formula:

    $$
    \mathrm{hard\_shrink}(x) = \begin{cases} x & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}, \qquad
    \mathrm{hard\_shrink}'(x) = [\,|x| > \lambda\,]
    $$

    where $\lambda$ is ``threshold``. At exactly $\pm\lambda$ the output and the derivative are 0.

    Keras vs the textbook:

    * Keras computes the usual hard-thresholding operator (PyTorch's ``Hardshrink``).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-1., -0.5, 0.25, 0.5, 2.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.hard_shrink(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # 0 at exactly ±0.5
    ([-1.0, 0.0, 0.0, 0.0, 2.0], [1.0, 0.0, 0.0, 0.0, 1.0])
    >>> rk.activations.hard_shrink(np.int32([-3, 1, 5]), threshold=2)
    array([-3,  0,  5], dtype=int32)
    """
    return ops.hard_shrink(ops.convert_to_tensor(x), threshold=threshold)


def threshold(x, threshold, default_value):
    r"""``x`` where ``x > threshold``, else ``default_value`` (Keras's ``tf.where``).

    Both Python scalars meet ``x`` as TF converts them (:func:`reference.ops.operand`): an integer input takes
    integers and stays integer.

    Formula:

    $$
    \mathrm{threshold}(x) = \begin{cases} x & x > \theta \\ v & x \le \theta \end{cases}, \qquad
    \mathrm{threshold}'(x) = [\,x > \theta\,]
    $$

    where $\theta$ is ``threshold`` and $v$ is ``default_value`` (a constant, with no gradient). At exactly
    $\theta$ the output is $v$ and the derivative 0.

    Keras vs the textbook:

    * Keras computes the usual formula (PyTorch's ``Threshold``). It is not ``relu(x, threshold=θ)``, which
      gives 0 (not $v$) below $\theta$ and casts $\theta$ through float32.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([0., 1., 2.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.threshold(x, 1., -5.)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # at exactly θ = 1: v, slope 0
    ([-5.0, -5.0, 2.0], [0.0, 0.0, 1.0])
    >>> rk.activations.threshold(np.int32([0, 3]), 1, -1)
    array([-1,  3], dtype=int32)
    """
    return ops.threshold(ops.convert_to_tensor(x), threshold, default_value)


def sigmoid(x):
    r"""The logistic sigmoid ``1 / (1 + e⁻ˣ)``, tagged with its logits like :func:`softmax`.

    Keras sets ``output._keras_logits = x``: a binary cross-entropy given this output uses ``x`` (from logits, no
    clip). Integer and bool inputs raise a ``TypeError`` (TF's ``Sigmoid`` takes floats).

    Formula:

    $$
    \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)\,\big(1 - \sigma(x)\big)
    $$

    computed as $e^{x}/(1 + e^{x})$ for $x < 0$, so that $e^{-x}$ never overflows. The derivative is TF's
    ``SigmoidGrad``, from the output: it is 0 wherever the output has saturated to 1.

    Keras vs the textbook:

    * Keras computes the usual formula; its departure is the logits tag: ``binary_crossentropy(y, sigmoid(x))``
      equals the from-logits loss of ``x``, not the loss clipped at ε.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([0., 20.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.sigmoid(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # σ(0) = 1/2, σ'(0) = 1/4; σ(20) rounds to 1, slope 0
    ([0.5, 1.0], [0.25, 0.0])
    >>> y = rk.activations.sigmoid(np.float32([[-20.]]))
    >>> float(rk.losses.binary_crossentropy(np.float32([[1.]]), y)[0])   # softplus(20) = 20, not -log ε = 16.1
    20.0
    """
    x = ops.convert_to_tensor(x)
    return logits.tag_logits(ops.sigmoid(x), x)


def sparse_sigmoid(x):
    r"""The sparse sigmoid: 0 up to -1, linear between -1 and 1, 1 from 1 (Keras's ``tf.where``).

    The derivative of :func:`sparse_plus`. Integer and bool inputs raise a ``TypeError``.

    Formula:

    $$
    \mathrm{sparse\_sigmoid}(x) = \begin{cases} 0 & x \le -1 \\ \tfrac12 (x + 1) & -1 < x < 1 \\ 1 & x \ge 1
    \end{cases},
    \qquad
    \mathrm{sparse\_sigmoid}'(x) = \begin{cases} \tfrac12 & -1 < x < 1 \\ 0 & |x| \ge 1 \end{cases}
    $$

    At exactly $\pm 1$ the ``where`` selects a constant branch: the derivative is 0 there.

    Keras vs the textbook:

    * Keras computes the usual formula (Blondel, Martins & Niculae, 2020, "Learning with Fenchel-Young losses",
      §6.2: the 2-Tsallis counterpart of the sigmoid; JAX's ``sparse_sigmoid``).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-2., -1., 0., 0.5, 1.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.sparse_sigmoid(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # (0.5 + 1)/2 = 0.75; slope 0 at exactly ±1
    ([0.0, 0.0, 0.5, 0.75, 1.0], [0.0, 0.0, 0.5, 0.5, 0.0])
    """
    return ops.sparse_sigmoid(ops.convert_to_tensor(x))


def exponential(x):
    r"""The exponential ``eˣ`` (``tf.exp``).

    Keras's ``ops.exp`` casts integer and bool inputs to ``floatx`` first; so does this.

    Formula:

    $$
    \exp(x) = e^{x}, \qquad \exp'(x) = e^{x}
    $$

    Keras vs the textbook:

    * Keras computes the usual formula; it overflows to ``inf`` above $\log(\text{max of the dtype})$, 88.72 in
      float32.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y = rk.activations.exponential(np.int32([0, 1]))     # an int32 input computes in floatx
    >>> y.dtype, np.round(y.tolist(), 6).tolist()      # e⁰, e¹
    (dtype('float32'), [1.0, 2.718282])
    >>> with np.errstate(over="ignore"):
    ...     float(rk.activations.exponential(np.float32(89.)))   # past float32's range
    inf
    """
    return ops.exp(_in_floatx_if_not_float(ops.convert_to_tensor(x)))


def hard_sigmoid(x):
    r"""The hard sigmoid ``relu6(x + 3) / 6``, Keras's composition: 0 below -3, 1 above 3, a line of slope 1/6 between.

    Integer and bool inputs raise a ``TypeError`` (Keras adds ``tf.constant(3.0, x.dtype)``).

    Formula:

    $$
    \mathrm{hard\_sigmoid}(x) = \frac{\min(\max(x + 3,\ 0),\ 6)}{6}, \qquad
    \mathrm{hard\_sigmoid}'(x) = \begin{cases} \tfrac16 & -3 < x < 3 \\ 0 & |x| \ge 3 \end{cases}
    $$

    The derivative at the kinks is that of ``tf.nn.relu6`` (:func:`relu6`): 0 at exactly $\pm 3$.

    Keras vs the textbook:

    * Keras 3's hard sigmoid is $x/6 + 1/2$ clipped to $[0, 1]$ (saturating at $\pm 3$, as PyTorch's
      ``Hardsigmoid`` and the $\mathrm{ReLU6}(x + 3)/6$ of Howard et al., 2019). Keras 2 and ``tf.keras`` before
      Keras 3 used $0.2x + 0.5$ (saturating at $\pm 2.5$): at 1.5 the old one gives 0.8, this one 0.75.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-4., -3., 0., 1.5, 3.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.hard_sigmoid(x)
    >>> y.tolist()                         # 1.5/6 + 1/2 = 0.75 (Keras 2's 0.2·1.5 + 0.5 would be 0.8)
    [0.0, 0.0, 0.5, 0.75, 1.0]
    >>> (6 * tape.gradient(y, x)).tolist()   # slope 1/6 inside, 0 at exactly ±3
    [0.0, 0.0, 1.0, 1.0, 0.0]
    """
    x = ops.check_kernel_dtype(ops.convert_to_tensor(x), "hard_sigmoid")   # its tf.constant(3.0, x.dtype)
    return ops.divide(ops.relu6(ops.add(x, 3.0)), 6.0)


def hard_silu(x):
    r"""The hard SiLU ``x · hard_sigmoid(x)``; also named ``hard_swish``.

    Integer and bool inputs raise a ``TypeError``, as :func:`hard_sigmoid`.

    Formula:

    $$
    \mathrm{hard\_silu}(x) = x\,\frac{\min(\max(x + 3,\ 0),\ 6)}{6}, \qquad
    \mathrm{hard\_silu}'(x) = \begin{cases} 0 & x \le -3 \\ \dfrac{2x + 3}{6} & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}
    $$

    TF differentiates the product with ``relu6``'s gradient, 0 at exactly $\pm 3$: the derivative there is
    $\mathrm{hard\_sigmoid}(\pm3)$, 0 at -3 and 1 at 3, the outer sides of the two jumps (the function's
    one-sided slopes are 0 and $-1/2$ at -3, $3/2$ and 1 at 3).

    Keras vs the textbook:

    * Keras computes the h-swish of Howard et al. (2019), $x\,\mathrm{ReLU6}(x + 3)/6$ (MobileNetV3; PyTorch's
      ``Hardswish``).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-3., 0., 1.5, 3.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.hard_silu(x)
    >>> y.tolist()                         # -3·0 is -0.0; 1.5·0.75 = 1.125
    [-0.0, 0.0, 1.125, 3.0]
    >>> tape.gradient(y, x).tolist()       # 0 at -3, (2·0 + 3)/6 = 1/2, (3 + 3)/6 = 1, 1 at 3
    [0.0, 0.5, 1.0, 1.0]
    >>> rk.activations.hard_swish is rk.activations.hard_silu
    True
    """
    x = ops.convert_to_tensor(x)
    return ops.multiply(x, hard_sigmoid(x))


hard_swish = hard_silu


def linear(x):
    r"""The identity: ``linear(x) is x`` (``get(None)`` is this).

    Formula:

    $$
    \mathrm{linear}(x) = x, \qquad \mathrm{linear}'(x) = 1
    $$

    The input is returned as it is: no conversion, no copy, any dtype.

    Keras vs the textbook:

    * Keras computes the usual formula.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.int32([-2, 3])
    >>> rk.activations.linear(x) is x          # not even a dtype conversion
    True
    >>> rk.activations.get(None) is rk.activations.linear
    True
    """
    return x


def mish(x):
    r"""The mish ``x · tanh(softplus(x))``, Keras's composition.

    Integer and bool inputs raise a ``TypeError`` (TF's ``Softplus`` takes floats).

    Formula:

    $$
    \mathrm{mish}(x) = x \tanh\big(\mathrm{softplus}(x)\big), \qquad
    \mathrm{mish}'(x) = \tanh(s) + x\,\big(1 - \tanh^2 s\big)\,\sigma(x), \quad s = \mathrm{softplus}(x)
    $$

    where $\sigma$ is the logistic sigmoid and ``softplus`` has TF's kernel shortcuts (:func:`softplus`). TF
    differentiates the composition, with no custom gradient.

    Keras vs the textbook:

    * Keras computes the usual formula (Misra, 2019).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([0., 20.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.mish(x)
    >>> y.tolist()                               # tanh(softplus(20)) rounds to 1: the identity
    [0.0, 20.0]
    >>> np.round(tape.gradient(y, x).tolist(), 6).tolist()   # mish'(0) = tanh(log 2) = 3/5
    [0.6, 1.0]
    """
    x = ops.check_kernel_dtype(ops.convert_to_tensor(x), "Softplus")
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def log_softmax(x, axis=-1):
    r"""The logarithm of the softmax along ``axis``, computed shifted (``tf.nn.log_softmax``; untagged, as in Keras).

    ``axis`` as in :func:`softmax` (``None``: over every entry). Integer and bool inputs raise a ``TypeError``.

    Formula:

    $$
    \mathrm{log\_softmax}(x)_i = (x_i - m) - \log \sum_j e^{x_j - m}, \qquad m = \max_k x_k
    $$

    where $i, j, k$ run over the entries along ``axis``. The derivative is TF's ``LogSoftmaxGrad``:
    $\partial y_i / \partial x_l = [i = l] - \mathrm{softmax}(x)_l$.

    Keras vs the textbook:

    * Mathematically $x_i - \log\sum_j e^{x_j}$, the log of :func:`softmax`; computed shifted by the max, so that
      it neither overflows nor takes the log of an underflowed 0: ``log_softmax([0, -1000])`` is ``[0, -1000]``
      where ``log(softmax(·))`` gives ``-inf``. Unlike ``softmax`` the output carries no logits tag.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> rk.activations.log_softmax(np.float32([0., -1000.])).tolist()   # log(1 + e^-1000) rounds to 0
    [0.0, -1000.0]
    >>> rk.activations.log_softmax(np.float64([5., 5.])).tolist()   # -log 2 each, whatever the shift
    [-0.6931471805599453, -0.6931471805599453]
    """
    return ops.log_softmax(ops.convert_to_tensor(x), axis=axis)


def log_sigmoid(x):
    r"""The logarithm of the sigmoid, ``-softplus(-x)`` (``tf.math.log_sigmoid``).

    Integer and bool inputs raise a ``TypeError`` (TF's ``Softplus`` takes floats).

    Formula:

    $$
    \log\sigma(x) = -\mathrm{softplus}(-x) = -\log(1 + e^{-x}), \qquad (\log\sigma)'(x) = \sigma(-x)
    $$

    with ``softplus``'s kernel shortcuts (:func:`softplus`): below $t = \log\varepsilon + 2$ ($-13.94$ in float32)
    the output is exactly $x$.

    Keras vs the textbook:

    * Keras computes the usual formula, as ``-softplus(-x)``: no ``log`` of an underflowed sigmoid.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> x = np.float32([-100., 0.])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = rk.activations.log_sigmoid(x)
    >>> y.tolist(), tape.gradient(y, x).tolist()     # exactly -100 (log σ(-100) would be log 0); -log 2; σ(0) = 1/2
    ([-100.0, -0.6931471824645996], [1.0, 0.5])
    """
    return ops.log_sigmoid(ops.convert_to_tensor(x))


def sparsemax(x, axis=-1):
    r"""Keras's sparsemax along ``axis``: ``max(x - τ, 0)``, with Keras's threshold ``τ``.

    Integer and bool inputs raise a ``TypeError``; the derivative is TF's of Keras's composition (see
    :func:`reference.ops.sparsemax`).

    Formula:

    $$
    \begin{aligned}
    \mathrm{sparsemax}(x)_i &= \max(x_i - \tau,\ 0), \qquad
    \tau = \frac{\sum_{j=1}^{k} c_j - 1}{k}, \\
    c_j &= \sum_{i \le j} z_i, \qquad k = \big|\{\, j : 1 + j\,z_j > c_j \,\}\big|
    \end{aligned}
    $$

    where $z$ is $x$ sorted descending along ``axis``, $c_j$ its cumulative sums and $k$ the size of the support.

    Keras vs the textbook:

    * Martins & Astudillo (2016), Algorithm 1, take $\tau = (c_k - 1)/k$, the threshold that makes the output
      sum to 1. Keras sums the cumulative sums of the support, $\sum_{j \le k} c_j$, instead of taking the last:
      the two agree only when $k = 1$. ``sparsemax([1, 1, 0])`` is ``[0, 0, 0]`` in Keras (the paper's is
      ``[0.5, 0.5, 0]``), and ``sparsemax([1, 0.5, 0])`` is ``[0.25, 0, 0]`` (the paper's ``[0.75, 0.25, 0]``).
      The reference mirrors Keras.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> rk.activations.sparsemax(np.float32([2., 0., 0.])).tolist()   # k = 1: τ = (2 - 1)/1, the paper's too
    [1.0, 0.0, 0.0]
    >>> rk.activations.sparsemax(np.float32([1., 1., 0.])).tolist()   # k = 2: τ = (1 + 2 - 1)/2 = 1 (paper: 1/2)
    [0.0, 0.0, 0.0]
    """
    return ops.sparsemax(ops.convert_to_tensor(x), axis=axis)


ALL = {fn.__name__: fn for fn in (
    relu, leaky_relu, relu6, softmax, celu, elu, selu, softplus, softsign, squareplus, soft_shrink, sparse_plus,
    silu, gelu, glu, tanh, tanh_shrink, threshold, sigmoid, sparse_sigmoid, exponential, hard_sigmoid, hard_silu,
    hard_tanh, hard_shrink, linear, mish, log_softmax, log_sigmoid, sparsemax)}
ALL["swish"], ALL["hard_swish"] = silu, hard_silu   # Keras's two aliases


def get(identifier):
    """An activation from a name (any key of :data:`ALL`), a callable, or ``None`` (meaning ``linear``)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in ALL:
        return ALL[identifier]
    raise ValueError(f"Unknown activation {identifier!r}. Expected a callable or one of {sorted(ALL)}.")
