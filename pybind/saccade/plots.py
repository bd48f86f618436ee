"""Pictures of results and of where a policy looked (matplotlib; import saccade.plots)."""
import matplotlib.pyplot as plt
import numpy as np


def accuracy_vs_compute(results, x="us_per_example", ax=None):
    """Each policy's test accuracy against its compute, mean ± 95%-interval half-width over seeds.

    Args:
        results: a DataFrame of results.csv rows (Results.to_pandas()), one setting or several.
        x: the compute column: us_per_example, flops_per_example or mean_regions.
        ax: the matplotlib Axes to draw on (default: a new figure's).

    Returns:
        the Axes.
    """
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for policy, rows in results.groupby("policy", sort=False):
        acc, cost = rows["accuracy"].to_numpy(), rows[x].to_numpy()
        n = len(acc)
        half = _t95(n) * acc.std(ddof=1) / np.sqrt(n) if n > 1 else 0.0
        ax.errorbar(cost.mean(), acc.mean(), yerr=half, fmt="o", capsize=3, label=f"{policy} (n={n})")
    ax.set_xlabel(x.replace("_", " "))
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize="small")
    return ax


def _t95(n):
    """Student's t quantile for a 95% interval with n - 1 degrees of freedom."""
    try:
        from scipy import stats

        return float(stats.t.ppf(0.975, n - 1))
    except ImportError:
        return 1.96


def glimpse_path(trace, example, image=None, ax=None, weights=None):
    """The glimpses (or patches) one example took, numbered in order, on its image if given; where the
    reader has soft attention, each marker's size and opacity is its weight, so the hard choices (the
    path) and where the reader looked within them (the weights) show together.

    Args:
        trace: a traces DataFrame (Results.traces(policy)) of a glimpse or patch run.
        example: the example's index in the traces.
        image: optional [H, W] array drawn under the path (the canvas spans [-1, 1]^2).
        ax: the Axes to draw on.
        weights: the reader's weight per step, in order (Trained.episode's info["attention"][example]);
            default: the trace's `weight` column, if it has one (empty for RAM, which has no weights:
            then every marker is drawn alike).
    """
    ax = ax or plt.subplots(figsize=(4, 4))[1]
    rows = trace[trace["example"] == example].sort_values("step")
    if image is not None:
        ax.imshow(image, cmap="gray", extent=(-1, 1, 1, -1))
    ax.plot(rows["col"], rows["row"], "-", color="tab:orange", linewidth=1)
    w = _step_weights(rows, weights)
    if w is None:
        ax.scatter(rows["col"], rows["row"], s=36, color="tab:orange", zorder=3)
    else:
        ax.scatter(rows["col"], rows["row"], s=_marker_sizes(w), c=_weight_colors(w, "tab:red"), zorder=3,
                   edgecolors="tab:red", linewidths=0.8)
    for i, (_, r) in enumerate(rows.iterrows()):
        label = str(int(r["step"]) + 1) + ("" if w is None else f" ({w[i]:.2f})")
        ax.annotate(label, (r["col"], r["row"]), color="tab:red", fontsize=9, xytext=(3, 3),
                    textcoords="offset points")
    ax.set_xlim(-1, 1)
    ax.set_ylim(1, -1)
    ax.set_title(f"example {example}: label {rows['label'].iloc[0] if len(rows) else '?'}"
                 + ("" if w is None else "  (marker: reader's weight)"))
    return ax


def _step_weights(rows, weights):
    """The weights of one example's steps as a float array, or None when there are none."""
    if weights is None:
        if "weight" not in rows or rows["weight"].isna().all():
            return None
        weights = rows["weight"].to_numpy()
    w = np.asarray(weights, dtype=float)
    if len(w) != len(rows):
        raise ValueError(f"weights: {len(w)} given for the {len(rows)} steps of this example")
    return w


def _marker_sizes(w):
    """Marker areas (points^2) growing with the weight: 12 for 0, up to 400 for 1."""
    return 12 + 388 * np.clip(w, 0, 1)


def _weight_colors(w, color):
    """`color` at an opacity that grows with the weight (0.15 for 0, 1 for the largest weight)."""
    from matplotlib.colors import to_rgba

    top = max(float(np.max(w)), 1e-12) if len(w) else 1.0
    return [to_rgba(color, 0.15 + 0.85 * float(v) / top) for v in np.clip(w, 0, None)]


def regions_read(trace, num_regions, examples=None, ax=None, color="step"):
    """Which regions (chunks, turns, patches) each example read: a grid, examples by regions.

    Cells are the step at which a region was read (color="step"), or the reader's soft attention on
    it (color="weight", the traces' `weight` column); blank: not read. A ring marks the regions that
    hold the example's evidence where the traces know it.
    """
    if color not in ("step", "weight"):
        raise ValueError(f"color: 'step' or 'weight', not {color!r}")
    if color == "weight" and ("weight" not in trace or trace["weight"].isna().all()):
        raise ValueError("color='weight': these traces have no weights (the reader has no soft attention)")
    ax = ax or plt.subplots(figsize=(8, 4))[1]
    examples = sorted(trace["example"].unique()) if examples is None else list(examples)
    grid = np.full((len(examples), num_regions), np.nan)
    for i, e in enumerate(examples):
        for _, r in trace[trace["example"] == e].iterrows():
            grid[i, int(r["region"])] = r["step"] + 1 if color == "step" else r["weight"]
            if r.get("evidence") == 1:
                ax.add_patch(plt.Circle((r["region"], i), 0.45, fill=False, color="tab:green"))
    image = ax.imshow(grid, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_xlabel("region")
    ax.set_ylabel("example")
    ax.set_yticks(range(len(examples)), [str(e) for e in examples])
    plt.colorbar(image, ax=ax, label="step read" if color == "step" else "reader's weight")
    return ax


def highlight_regions(texts, read, evidence=None, ax=None, width=90, weights=None):
    """The regions of one example as lines of text, the ones read highlighted with their step.

    Args:
        texts: the regions' words (Env.region_texts(example)), one string per region.
        read: the regions read, in order (Trained.episode's info["regions"][example], or a traces
            DataFrame's `region` column for one example).
        evidence: optional bool per region (info["evidence"][example]): those regions are marked ◆.
        ax: the Axes to draw on; width: characters shown per region.
        weights: optional, the reader's soft attention on each region read, in the order of `read`
            (info["attention"][example], or the traces' `weight` column): each highlight is as opaque
            as its weight (the largest fully) and shows it beside the step.
    """
    read = [int(r) for r in read]
    if weights is not None and len(weights) != len(read):
        raise ValueError(f"weights: {len(weights)} given for {len(read)} regions read")
    ax = ax or plt.subplots(figsize=(10, 0.3 * len(texts) + 0.5))[1]
    ax.axis("off")
    n = len(texts)
    top = max(max((float(w) for w in weights), default=0.0), 1e-12) if weights is not None else 1.0
    for r, text in enumerate(texts):
        step = read.index(r) + 1 if r in read else None
        mark = "◆" if evidence is not None and evidence[r] else " "
        shown = f"[{step}]" if step else "   "
        alpha = 0.6
        if step and weights is not None:
            w = float(weights[step - 1])
            shown, alpha = f"[{step} {w:.2f}]", 0.1 + 0.9 * w / top
        label = f"{r:2d} {mark} {shown} {text[:width]}"
        box = dict(facecolor="gold", alpha=alpha, edgecolor="none") if step else None
        ax.text(0, 1 - (r + 0.5) / n, label, family="monospace", fontsize=9, va="center", bbox=box,
                color="black" if text else "lightgray", transform=ax.transAxes)
    return ax
