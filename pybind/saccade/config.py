"""How the package hands a config to the C++ core: a YAML path, or a dict (sent as JSON, which is
YAML), plus overrides given as keyword arguments (`train__epochs=1`) or "key.path=value" strings."""
import json
import os

from . import _saccade


def _value_text(value):
    """An override's value as the command line writes it (a YAML scalar or flow collection)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return str(value)


def overrides_of(overrides=(), **kwargs):
    """The "key.path=value" strings for `overrides` plus keyword arguments (`__` stands for `.`)."""
    out = [str(o) for o in overrides]
    out += [f"{key.replace('__', '.')}={_value_text(value)}" for key, value in kwargs.items()]
    return out


def source_of(config):
    """(text or path, is_text) for a YAML path or a dict."""
    if isinstance(config, dict):
        return json.dumps(config), True
    if isinstance(config, (str, os.PathLike)):
        return os.fspath(config), False
    raise TypeError(f"config must be a YAML path or a dict, got {type(config).__name__}")


def resolve(config, overrides=(), **kwargs):
    """The resolved config as YAML text: defaults filled in, overrides applied, checked.

    Args:
        config: a YAML file path or a dict of the same keys.
        overrides: "key.path=value" strings.
        **kwargs: more overrides, `__` for the dots (train__epochs=1).

    Raises:
        ConfigError: a key, type, value or combination the command line would reject.
    """
    source, is_text = source_of(config)
    return _saccade.resolve(source, is_text, overrides_of(overrides, **kwargs))
