"""Python helpers, mirroring ``keras/src/utils/python_utils.py``."""


def pythonify_logs(logs):
    """Keras's ``pythonify_logs``: sorted keys, nested dicts merged, values ``float`` where possible.

    A value that ``float`` refuses (a per-threshold array) is kept as is.
    """
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result
