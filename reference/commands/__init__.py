"""The command line: ``python -m reference train`` and ``python -m reference fit``.

==================  ==========================================================================
``cli.py``          the flags both commands share (and ``tf_impl``'s), the subcommand dispatcher
``train.py``        ``train``: the handbook's ``GradientTape`` loop (:mod:`reference.handbook`)
``fit.py``          ``fit``: the same MLP through ``compile``/``fit``/``evaluate``
``blas.py``         how many threads NumPy's matrix products use (``threadpoolctl``)
==================  ==========================================================================
"""
