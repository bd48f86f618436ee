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


def glimpse_path(trace, example, image=None, ax=None):
    """The glimpses one example took, numbered in order, on its image if given.

    Args:
        trace: a traces DataFrame (Results.traces(policy)) of a glimpse run.
        example: the example's index in the traces.
        image: optional [H, W] array drawn under the path (the canvas spans [-1, 1]^2).
        ax: the Axes to draw on.
    """
    ax = ax or plt.subplots(figsize=(4, 4))[1]
    rows = trace[trace["example"] == example].sort_values("step")
    if image is not None:
        ax.imshow(image, cmap="gray", extent=(-1, 1, 1, -1))
    ax.plot(rows["col"], rows["row"], "-o", color="tab:orange")
    for _, r in rows.iterrows():
        ax.annotate(str(int(r["step"]) + 1), (r["col"], r["row"]), color="tab:red", fontsize=9,
                    xytext=(3, 3), textcoords="offset points")
    ax.set_xlim(-1, 1)
    ax.set_ylim(1, -1)
    ax.set_title(f"example {example}: label {rows['label'].iloc[0] if len(rows) else '?'}")
    return ax


def regions_read(trace, num_regions, examples=None, ax=None):
    """Which regions (chunks, turns, patches) each example read: a grid, examples by regions.

    Cells are the step at which a region was read (blank: not read); a ring marks the regions that
    hold the example's evidence where the traces know it.
    """
    ax = ax or plt.subplots(figsize=(8, 4))[1]
    examples = sorted(trace["example"].unique()) if examples is None else list(examples)
    grid = np.full((len(examples), num_regions), np.nan)
    for i, e in enumerate(examples):
        for _, r in trace[trace["example"] == e].iterrows():
            grid[i, int(r["region"])] = r["step"] + 1
            if r.get("evidence") == 1:
                ax.add_patch(plt.Circle((r["region"], i), 0.45, fill=False, color="tab:green"))
    image = ax.imshow(grid, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_xlabel("region")
    ax.set_ylabel("example")
    ax.set_yticks(range(len(examples)), [str(e) for e in examples])
    plt.colorbar(image, ax=ax, label="step read")
    return ax


def highlight_regions(texts, read, evidence=None, ax=None, width=90):
    """The regions of one example as lines of text, the ones read highlighted with their step.

    Args:
        texts: the regions' words (Env.region_texts(example)), one string per region.
        read: the regions read, in order (Trained.episode's info["regions"][example], or a traces
            DataFrame's `region` column for one example).
        evidence: optional bool per region (info["evidence"][example]): those regions are marked ◆.
        ax: the Axes to draw on; width: characters shown per region.
    """
    read = [int(r) for r in read]
    ax = ax or plt.subplots(figsize=(10, 0.3 * len(texts) + 0.5))[1]
    ax.axis("off")
    n = len(texts)
    for r, text in enumerate(texts):
        step = read.index(r) + 1 if r in read else None
        mark = "◆" if evidence is not None and evidence[r] else " "
        label = f"{r:2d} {mark} {'[' + str(step) + ']' if step else '   '} {text[:width]}"
        box = dict(facecolor="gold", alpha=0.6, edgecolor="none") if step else None
        ax.text(0, 1 - (r + 0.5) / n, label, family="monospace", fontsize=9, va="center", bbox=box,
                color="black" if text else "lightgray", transform=ax.transAxes)
    return ax
