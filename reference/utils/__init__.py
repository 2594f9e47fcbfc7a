"""Small helpers shared across the reference, each mirroring its ``keras/src/utils`` twin where Keras has one.

==============================  =====================================================================
``naming.py``                   ``to_snake_case``, ``auto_name`` (``keras/src/utils/naming.py``)
``file_utils.py``               ``atomic_write``: every file the project writes goes through it
``argument_validation.py``      the number checks behind the constructors' ``ValueError``\\ s
``progbar.py``                  ``Progbar`` (``keras/src/utils/progbar.py``) and the training log lines
``numerical_utils.py``          ``normalize`` (``keras/src/utils/numerical_utils.py``)
``python_utils.py``             ``pythonify_logs`` (``keras/src/utils/python_utils.py``)
==============================  =====================================================================
"""
