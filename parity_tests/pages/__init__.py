"""The documentation's per-name pages, generated: one page for each public name of Keras's losses, activations,
optimizers, schedules and metrics, at ``docs/reference/<family>/<name>.md``, and the A–Z index
``docs/reference/index.md``. ``python -m parity_tests pages`` writes them.

Nothing on a page is written by hand. Each part has one source:

=====================  =====================================================================================
part                   source
=====================  =====================================================================================
signature              ``inspect.signature`` of the reference's object; the Keras file it mirrors, from Keras
formula                the ``Formula:`` section of the reference's docstring (display LaTeX)
Keras vs the textbook  the docstring's ``Keras vs the textbook:`` section
code                   ``inspect.getsourcelines`` of the object and of the methods that compute it
example                the docstring's ``Example:`` section (a doctest, run by pytest on the page)
departures             :mod:`parity_tests.departures`, the rows naming this name
parity                 ``docs/parity-report/parity.json``, written by ``python -m parity_tests report``
picture                :mod:`parity_tests.pages.figures`
=====================  =====================================================================================

A function and its class (``mean_squared_error``, ``MeanSquaredError``), or two aliases (``silu``, ``swish``), each
have a page; the sections a name's own docstring lacks come from its partner's (see :mod:`.catalogue`).
"""
