"""Draws report.png for `saccade report`: test accuracy against mean regions read per example (the
compute axis every policy shares), one line per policy, error bars the 95% CI over seeds clipped to
[0, 1], one panel per env and swept key other than the budget (so a panel's points are its budgets).
A star marks adaptive where the report's paired verdict against the best fixed policy is "better".
Runs that were not scored on test (eval.test: false) are drawn at their validation accuracy.

The saccade binary embeds this file and runs it as `/usr/bin/python3 - REPORT_CSV OUT_PNG`.
Exit status 3: matplotlib is not importable (the binary names the Debian package).
Only the standard library and matplotlib, so a missing pandas cannot cost the plot."""
import csv
import math
import sys

METRICS = {"policy", "n", "accuracy_mean", "accuracy_ci95", "accuracy_low", "accuracy_high", "mean_regions",
           "us_per_example", "policy_us_per_example", "flops_per_example", "competes", "above_best_fixed", "val_accuracy_mean",
           "val_accuracy_ci95", "best_epochs", "still_improving", "best_fixed", "verdict", "adaptive_minus_mean",
           "adaptive_minus_low", "adaptive_minus_high", "paired_seeds"}


def number(text):
    return float(text) if text != "" else math.nan


def main(csv_path, png_path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print(f"plot_report.py: {e}", file=sys.stderr)
        return 3

    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        setting_cols = [c for c in reader.fieldnames if c not in METRICS]
    # Budgets (the report's `budget` and a swept `policy.budget`) are the x direction, not panels.
    facet_cols = [c for c in setting_cols if not c.endswith("budget")]
    # A column zipped with the env (the same value in every row of an env) only repeats the env: the
    # panel title shows the env and the columns that vary within it.
    def varies_within_env(c):
        seen = {}
        return any(seen.setdefault(r.get("env", ""), r[c]) != r[c] for r in rows)
    facet_cols = [c for c in facet_cols if c == "env" or varies_within_env(c)]
    facets = {}
    for r in rows:
        facets.setdefault(tuple(r[c] for c in facet_cols), []).append(r)

    ncols = min(len(facets), 3)
    nrows = math.ceil(len(facets) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 4.2 * nrows), squeeze=False)
    for ax in axes.flat[len(facets):]:
        ax.set_visible(False)
    for ax, (facet, frows) in zip(axes.flat, facets.items()):
        policies = list(dict.fromkeys(r["policy"] for r in frows))
        on_axis = [p for p in policies
                   if p == "adaptive" or any(r["competes"] == "true" for r in frows if r["policy"] == p)]
        # Policies at the same budget share an x: shift each a little sideways so no bar hides another.
        xs = [regions(r) for r in frows if r["policy"] in on_axis]
        step = 0.02 * max(max(xs, default=0) - min(xs, default=0), 1.0)
        for policy in policies:
            prows = sorted((r for r in frows if r["policy"] == policy), key=lambda r: regions(r))
            y = [accuracy(r) for r in prows]
            err = [error_bar(r) for r in prows]
            err = [[e[0] for e in err], [e[1] for e in err]]
            adaptive = policy == "adaptive"
            if policy not in on_axis:
                # A reference (all, fc) reads more than any budget (fc reads the canvas as one region,
                # so its region count says nothing): a level to compare with, not a point on the axis.
                level = sum(y) / len(y)
                ax.axhline(level, linestyle=":", color="gray", linewidth=1)
                ax.annotate(f"{policy} (reference)", (0.01, level), xycoords=("axes fraction", "data"),
                            fontsize=8, color="gray", va="bottom")
                continue
            shift = step * (on_axis.index(policy) - (len(on_axis) - 1) / 2)
            x = [regions(r) + shift for r in prows]
            ax.errorbar(x, y, yerr=err, marker="o", capsize=3, label=policy, linewidth=2.5 if adaptive else 1.2,
                        zorder=3 if adaptive else 2)
            # Adaptive's row carries its verdict against the best fixed policy (another row's verdict is
            # adaptive's against that policy).
            marked = [(a, b) for a, b, r in zip(x, y, prows) if adaptive and r.get("verdict") == "better"]
            if marked:
                ax.scatter(*zip(*marked), marker="*", s=160, color="black", zorder=4,
                           label="adaptive better than best fixed (paired)")
        ax.set_title("  ".join(facet_label(c, v) for c, v in zip(facet_cols, facet)) or "all runs", fontsize=10)
        tested = any(r["accuracy_mean"] for r in frows)
        ax.set_xlabel(("mean regions read per example" if tested else "budget") + " (policies shifted apart)")
        ax.set_ylabel("test accuracy" if tested else "validation accuracy")
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    fig.suptitle("accuracy vs compute (error bars: 95% CI over seeds)", fontsize=11)
    fig.tight_layout()
    fig.savefig(png_path, dpi=100, format="png")
    return 0


def regions(row):
    """Mean regions read on test; the budget for a run not scored on test (what it may read)."""
    return number(row["mean_regions"]) if row["mean_regions"] else number(row.get("budget", ""))


def accuracy(row):
    """Test accuracy; validation accuracy for a run that was not scored on test."""
    return number(row["accuracy_mean"]) if row["accuracy_mean"] else number(row.get("val_accuracy_mean", ""))


def error_bar(row):
    """(below, above) the mean: the report's interval, clipped to [0, 1]; none for one seed."""
    if not row["accuracy_low"]:
        return (0, 0)
    mean = number(row["accuracy_mean"])
    return (mean - number(row["accuracy_low"]), number(row["accuracy_high"]) - mean)


def facet_label(column, value):
    return value if column == "env" else f"{column}={value}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
