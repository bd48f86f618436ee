"""A user's own data handed to saccade.run(config, data=...): numpy arrays for images, a pandas
DataFrame for text. They are written into the run's output directory (OUT/data.npz, OUT/data.csv and
OUT/distractors.csv) and the run reads them from there through env.dataset (and
env.text.distractors), so the one loader checks Python data and files alike (docs/data.md), and the
run keeps exactly what it trained on beside its results: its resolved.yaml runs again as it is.

Here only what the files cannot say is checked: the Python types (a dict of ndarrays, a DataFrame
with `text` and `label` columns) and missing values in a DataFrame, named by their row."""
import json
import os
import pathlib

import numpy as np

IMAGE_KEYS = ("x_train", "y_train", "x_test", "y_test", "x_val", "y_val")
REQUIRED_IMAGE_KEYS = IMAGE_KEYS[:4]


def _replace(path, write):
    """Writes a file through write(file object) to a temporary name, then renames it into place."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        write(f)
    os.replace(tmp, path)


def _override(key, path):
    """key=path, the path quoted (JSON is YAML) so that no character in it reads as YAML syntax."""
    return f"{key}={json.dumps(path)}"


def _image_arrays(data):
    """The dict of arrays, checked for its keys and types; C order (an .npy file's default)."""
    if not isinstance(data, dict):
        raise TypeError(f"data: env.type is image, so data must be a dict of numpy arrays with keys "
                        f"{', '.join(REQUIRED_IMAGE_KEYS)} (and optionally x_val, y_val), got {type(data).__name__}")
    missing = [k for k in REQUIRED_IMAGE_KEYS if k not in data]
    unknown = [str(k) for k in data if k not in IMAGE_KEYS]
    if missing or unknown:
        raise ValueError(f"data: image arrays are {', '.join(REQUIRED_IMAGE_KEYS)} and optionally x_val, y_val; "
                         + "; ".join(([f"missing {', '.join(missing)}"] if missing else [])
                                     + ([f"unexpected {', '.join(unknown)}"] if unknown else [])))
    arrays = {}
    for key, value in data.items():
        if not isinstance(value, np.ndarray):
            raise TypeError(f"data['{key}'] must be a numpy array, got {type(value).__name__} "
                            f"(np.asarray(...) converts a list)")
        arrays[key] = np.ascontiguousarray(value)
    return arrays


def _frame(value, what, columns):
    """A DataFrame with `columns`, checked; a missing value is named by its row."""
    import pandas as pd
    if isinstance(value, pd.Series) and columns == ("text",):
        value = value.to_frame("text")
    if not isinstance(value, pd.DataFrame):
        hint = " (pd.DataFrame(...) makes one)" if isinstance(value, dict) else ""
        raise TypeError(f"{what} must be a pandas DataFrame with columns {', '.join(columns)}, "
                        f"got {type(value).__name__}{hint}")
    absent = [c for c in columns if c not in value.columns]
    if absent:
        raise ValueError(f"{what} has no column {', '.join(absent)} (its columns: "
                         f"{', '.join(map(str, value.columns)) or 'none'}); it needs {', '.join(columns)}")
    frame = value[list(columns)]
    for column in columns:
        empty = frame[column].isna()
        if empty.any():
            raise ValueError(f"{what}: row {frame.index[empty.values.argmax()]!r} has no {column}")
    return frame


def _text_frames(data):
    """(labelled texts, distractor texts or None) from a DataFrame or {"texts": ..., "distractors": ...}."""
    if isinstance(data, dict) and "texts" in data:
        unknown = [str(k) for k in data if k not in ("texts", "distractors")]
        if unknown:
            raise ValueError(f"data: a dict of text takes 'texts' (a DataFrame with columns text, label) and "
                             f"'distractors' (a DataFrame or Series of texts); unexpected {', '.join(unknown)}")
        distractors = data.get("distractors")
        return (_frame(data["texts"], "data['texts']", ("text", "label")),
                None if distractors is None else _frame(distractors, "data['distractors']", ("text",)))
    return _frame(data, "data", ("text", "label")), None


def write_data(data, out, env_type):
    """Writes `data` into the directory `out` and returns the overrides that point the run at it."""
    out = pathlib.Path(out).absolute()
    out.mkdir(parents=True, exist_ok=True)
    if env_type == "image":
        arrays = _image_arrays(data)
        _replace(out / "data.npz", lambda f: np.savez(f, **arrays))
        return [_override("env.dataset", f"npz:{out / 'data.npz'}")]
    if env_type == "text":
        texts, distractors = _text_frames(data)
        _replace(out / "data.csv", lambda f: texts.to_csv(f, index=False))
        overrides = [_override("env.dataset", f"csv:{out / 'data.csv'}")]
        if distractors is not None:
            _replace(out / "distractors.csv", lambda f: distractors.to_csv(f, index=False))
            overrides.append(_override("env.text.distractors", str(out / "distractors.csv")))
        return overrides
    raise ValueError(f"data: env.type is {env_type}; data= takes numpy arrays (image) or a DataFrame (text)")
