"""Pictures of a result's diagnostics, drawn headless and embedded as base64 PNG.

``result.diagnostics`` maps ``<module>.<function>.<kind>`` to plain data (see
:mod:`autograder.authoring.diagnostics`). Each kind is drawn by the plot registered for it
(:mod:`autograder.authoring.plot_kinds`): the built-in ones here, a course's own by its
checks; unknown kinds are skipped, and an entry holding ``error`` becomes a
:class:`Plot` that shows the message instead of a picture. Figures are built with
``matplotlib.figure.Figure`` directly, so no pyplot state and no display are involved,
and the PNGs carry no timestamp or version, so the same result always gives the same bytes.
"""

import base64
import io
import math
from dataclasses import dataclass, field

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullFormatter
from PIL import Image

from autograder.authoring.plot_kinds import KINDS, plot
from autograder.core.values import as_floats
from autograder.core.verdicts.core import error_text

#: Okabe-Ito colours, readable by colour-blind students.
STUDENT_COLOR = "#d55e00"
REFERENCE_COLOR = "#0072b2"
TARGET_COLOR = "#222222"
DPI = 110
STYLE = {"font.size": 9, "axes.titlesize": 10, "axes.spines.top": False, "axes.spines.right": False,
         "axes.grid": True, "grid.color": "#e6e6e6", "grid.linewidth": 0.6, "legend.frameon": False}


@dataclass
class Plot:
    """One diagnostic, ready to show: a picture or the error that prevented it."""

    key: str
    """``<module>.<function>.<kind>``."""
    title: str
    caption: str = ""
    """How to read the picture."""
    findings: list[str] = field(default_factory=list)
    """What the picture shows, in numbers: the Markdown feedback and the image's alt text."""
    png_base64: str = ""
    error: str = ""
    """Why the student's code gave no data (then there is no picture)."""

    @property
    def task_id(self):
        """``<module>.<function>``, the heading the plot belongs under."""
        return self.key.rsplit(".", 1)[0]

    @property
    def data_uri(self):
        return f"data:image/png;base64,{self.png_base64}"


def draw_diagnostics(diagnostics):
    """A :class:`Plot` for every diagnostic of a known kind, in the result's order."""
    plots = []
    for key, data in (diagnostics or {}).items():
        parts = key.split(".")
        kind = KINDS.get(parts[-1]) if len(parts) == 3 else None
        if kind is None or not isinstance(data, dict):
            continue
        title = _title(kind, parts[1], data)
        if "error" in data:
            plots.append(Plot(key, title, error=str(data["error"])))
            continue
        try:
            figure = Figure(figsize=kind.size, dpi=DPI)
            figure.subplots_adjust(**kind.margins)
            with matplotlib.rc_context(STYLE):
                findings = kind.draw(figure, data)
                png = _png(figure)
            caption = kind.caption.format(function=parts[1], **data)
        except Exception as error:  # noqa: BLE001 - a course's own draw() or caption may fail anyhow: it costs its plot
            plots.append(Plot(key, title, error=f"the plot could not be drawn: {error_text(error)}"))
            continue
        plots.append(Plot(key, title, caption, findings, png))
    return plots


def _title(kind, function, data):
    try:
        return kind.title.format(function=function, **data)
    except (KeyError, IndexError):
        return function


def _png(figure):
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    # Flat plots need few colours: a 64-colour palette makes the pages a third of the size.
    image = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _number(value):
    return f"{value:.3g}" if math.isfinite(value) else str(value)


def _legend(axes, **options):
    axes.legend(fontsize=8, **options)


def _log_scale(axes):
    """A log y axis with a few labelled decades: unlabelled minor ticks keep the layout fast and calm."""
    axes.set_yscale("log")
    axes.yaxis.set_major_locator(LogLocator(numticks=6))
    axes.yaxis.set_minor_formatter(NullFormatter())


@plot("path", title="{function} on an ill-conditioned quadratic",
      caption=("Left: your iterates and the reference's on the contours of f(w) = 1/2 (w - w*)ᵀ A (w - w*), from the "
               "same start with the same hyperparameters. Right: f(w) at each step (log scale). A correct {function} "
               "draws its path on top of the reference's."))
def draw_optimizer_path(figure, data):
    A, w_star = as_floats(data["A"]), as_floats(data["w_star"])
    steps = np.asarray(data["steps"])
    student, reference = as_floats(data["student"]).reshape(-1, 2), as_floats(data["reference"]).reshape(-1, 2)
    student_loss, reference_loss = as_floats(data["student_loss"]), as_floats(data["reference_loss"])
    path_axes, loss_axes = figure.subplots(1, 2, width_ratios=[1, 1.25])

    known = np.vstack([reference, w_star[None, :]])
    known = known[np.isfinite(known).all(axis=1)]
    center = (known.min(axis=0) + known.max(axis=0)) / 2
    half = max(np.ptp(known, axis=0).max() / 2, 1e-3) * 1.2
    finite_student = student[np.isfinite(student).all(axis=1)]
    student_reach = np.abs(finite_student - center).max() if len(finite_student) else 0.0
    left_window = len(finite_student) < len(student) or student_reach > 3 * half
    if not left_window:
        half = max(half, student_reach * 1.05)
    x, y = np.meshgrid(np.linspace(center[0] - half, center[0] + half, 240),
                       np.linspace(center[1] - half, center[1] + half, 240))
    offsets = np.stack([x - w_star[0], y - w_star[1]], axis=-1)
    loss_surface = 0.5 * np.einsum("...i,ij,...j->...", offsets, A, offsets)
    levels = np.geomspace(max(loss_surface.max() * 1e-4, 1e-12), loss_surface.max(), 12)
    path_axes.contour(x, y, loss_surface, levels=levels, colors="#b8b8b8", linewidths=0.6)
    path_axes.plot(reference[:, 0], reference[:, 1], color=REFERENCE_COLOR, linewidth=2.4, alpha=0.75,
                   label="reference")
    path_axes.plot(student[:, 0], student[:, 1], color=STUDENT_COLOR, linewidth=1.3, linestyle="--",
                   label="yours")
    path_axes.plot(*reference[0], "o", color=TARGET_COLOR, markersize=4, label=f"step {steps[0]}")
    path_axes.plot(*w_star, "*", color=TARGET_COLOR, markersize=11, label="minimum w*")
    path_axes.set_xlim(center[0] - half, center[0] + half)
    path_axes.set_ylim(center[1] - half, center[1] + half)
    path_axes.set_aspect("equal")
    path_axes.set_xlabel("w[0]")
    path_axes.set_ylabel("w[1]")
    path_axes.set_title("iterates on the contours of f")
    _legend(path_axes, loc="best")

    reference_shown = np.where(np.isfinite(reference_loss) & (reference_loss > 0), reference_loss, np.nan)
    # A diverging loss is drawn up to a ceiling far above the reference's, so both stay readable.
    ceiling = np.nanmax(reference_shown) * 1e6 if np.isfinite(reference_shown).any() else np.inf
    student_shown = np.where(student_loss > 0, np.minimum(student_loss, ceiling), np.nan)
    loss_axes.plot(steps, reference_shown, color=REFERENCE_COLOR, linewidth=2.4, alpha=0.75, label="reference")
    loss_axes.plot(steps, student_shown, color=STUDENT_COLOR, linewidth=1.3, linestyle="--", label="yours")
    _log_scale(loss_axes)
    shown = np.concatenate([reference_shown, student_shown])
    if np.isfinite(shown).any():
        loss_axes.set_ylim(np.nanmin(shown) / 3, np.nanmax(shown) * 3)
    loss_axes.set_xlabel("step")
    loss_axes.set_ylabel("f(w)")
    loss_axes.set_title("loss against step")
    _legend(loss_axes)

    with np.errstate(over="ignore", invalid="ignore"):
        gaps = np.linalg.norm(student - reference, axis=1)
    worst = int(np.nanargmax(np.where(np.isfinite(gaps), gaps, np.inf)))
    if gaps[worst] == 0:
        findings = ["your iterates equal the reference's at every step shown"]
    else:
        findings = [f"largest distance between your iterate and the reference's: {_number(float(gaps[worst]))} "
                    f"at step {steps[worst]}"]
    findings.append(f"after {steps[-1]} steps, f(w) is {_number(student_loss[-1])} for yours and "
                    f"{_number(reference_loss[-1])} for the reference")
    diverged = ~np.isfinite(student_loss)
    if diverged.any():
        findings.append(f"your loss is no longer finite from step {steps[np.argmax(diverged)]} on")
    if left_window:
        findings.append("your path leaves the plotted window")
        path_axes.set_title("iterates on the contours of f (yours leave the view)")
    return findings


@plot("histogram", title="{function}: distribution of the weights",
      caption=("Histogram of the {shape[0]}×{shape[1]} weights your {function} drew, against the reference's and the "
               "target density. Your line should follow the target curve."),
      size=(8.8, 3.0))
def draw_initializer_histogram(figure, data):
    edges = as_floats(data["bin_edges"])
    widths = np.diff(edges)
    total = math.prod(data["shape"])
    student, reference = as_floats(data["student_counts"]), as_floats(data["reference_counts"])
    axes = figure.subplots()
    axes.stairs(reference / (total * widths), edges, fill=True, color=REFERENCE_COLOR, alpha=0.25,
                label="reference")
    axes.stairs(student / (total * widths), edges, color=STUDENT_COLOR, linewidth=1.6, label="yours")
    target = data["target"]
    x = np.linspace(edges[0], edges[-1], 600)
    if target["law"] == "normal":
        std = float(target["std"])
        density = np.exp(-0.5 * (x / std) ** 2) / (std * math.sqrt(2 * math.pi))
        label = f"target: normal, std {_number(std)}"
    else:
        bound = float(target["bound"])
        std = bound / math.sqrt(3)
        density = np.where(np.abs(x) <= bound, 1 / (2 * bound), 0.0)
        label = f"target: uniform on [-{_number(bound)}, {_number(bound)}]"
    axes.plot(x, density, color=TARGET_COLOR, linewidth=1.1, label=label)
    axes.set_xlabel("weight value")
    axes.set_ylabel("density")
    _legend(axes, loc="upper right")
    centers = (edges[:-1] + edges[1:]) / 2

    def spread(counts):
        return math.sqrt(float((counts * centers**2).sum() / counts.sum())) if counts.sum() else math.nan

    findings = [f"standard deviation read from the histogram: yours {_number(spread(student))}, "
                f"reference {_number(spread(reference))}, target {_number(std)}"]
    outside = total - int(student.sum())
    if outside:
        findings.append(f"{outside} of your {total} values fall outside the plotted range "
                        f"[{_number(edges[0])}, {_number(edges[-1])}]")
    return findings


@plot("layer_variance", title="{function}: activation variance through a deep {nonlinearity} network",
      caption=("Variance of the activations after each layer of a {nonlinearity} network whose weights come "
               "from {function}. A good initialization keeps it roughly constant from layer to layer, as the "
               "reference does."),
      size=(8.8, 3.0))
def draw_layer_variance(figure, data):
    student, reference = as_floats(data["student"]), as_floats(data["reference"])
    layers = np.arange(1, len(reference) + 1)
    axes = figure.subplots()
    axes.plot(layers, reference, "o-", color=REFERENCE_COLOR, linewidth=2.2, alpha=0.75, label="reference")
    axes.plot(layers[:len(student)], np.where(student > 0, student, np.nan), "s--", color=STUDENT_COLOR,
              linewidth=1.3, markersize=4, label="yours")
    _log_scale(axes)
    axes.set_xticks(layers)
    axes.set_xlabel("layer")
    axes.set_ylabel("variance of the activations")
    _legend(axes)
    return [f"variance after layer {len(reference)}: yours {_number(student[-1])}, "
            f"reference {_number(reference[-1])} (after layer 1: yours {_number(student[0])}, "
            f"reference {_number(reference[0])})"]


@plot("channel_statistics", title="{function}: output statistics per channel",
      caption=("Mean and standard deviation of each channel of {function}'s output in training mode. After "
               "normalization each channel has the mean beta and the standard deviation gamma of that channel."),
      size=(8.8, 3.0))
def draw_channel_statistics(figure, data):
    mean_axes, std_axes = figure.subplots(1, 2)
    findings = []
    for axes, statistic in ((mean_axes, "mean"), (std_axes, "std")):
        student, expected = as_floats(data[f"student_{statistic}"]), as_floats(data[f"expected_{statistic}"])
        channels = np.arange(len(expected))
        axes.bar(channels - 0.2, expected, width=0.4, color=REFERENCE_COLOR, alpha=0.6, label="expected")
        axes.bar(channels + 0.2, student, width=0.4, color=STUDENT_COLOR, label="yours")
        axes.set_xticks(channels)
        axes.set_xlabel("channel")
        axes.set_title(f"{statistic} of the output per channel")
        axes.axhline(0, color="#999999", linewidth=0.6)
        _legend(axes)
        gaps = np.abs(student - expected)
        worst = int(np.nanargmax(np.where(np.isnan(gaps), np.inf, gaps)))
        findings.append(f"largest difference in the {statistic}: channel {worst}, yours {_number(student[worst])}, "
                        f"expected {_number(expected[worst])}")
    return findings


@plot("keep_rate", title="{function}: fraction of units kept",
      caption=("Fraction of the units {function} keeps in training mode for each drop probability p; it should be "
               "1 - p."),
      size=(8.8, 3.0))
def draw_keep_rate(figure, data):
    p = as_floats(data["p"])
    student, expected = as_floats(data["student_keep_rate"]), as_floats(data["expected_keep_rate"])
    axes = figure.subplots()
    axes.plot(p, expected, "-", color=REFERENCE_COLOR, linewidth=2.2, alpha=0.75, label="expected: 1 - p")
    axes.plot(p, student, "o", color=STUDENT_COLOR, markersize=5, label="yours")
    axes.set_xlabel("drop probability p")
    axes.set_ylabel("fraction of units kept")
    axes.set_ylim(-0.05, 1.05)
    _legend(axes)
    gaps = np.abs(student - expected)
    worst = int(np.nanargmax(np.where(np.isnan(gaps), np.inf, gaps)))
    return [f"largest difference at p = {_number(p[worst])}: you keep {_number(student[worst])}, "
            f"expected {_number(expected[worst])}"]


def draw_score_histogram(percentages):
    """The class's total scores as a histogram in tenths of the maximum, as base64 PNG."""
    figure = Figure(figsize=(8.8, 2.8), dpi=DPI)
    figure.subplots_adjust(left=0.07, right=0.98, bottom=0.17, top=0.95)
    with matplotlib.rc_context(STYLE):
        axes = figure.subplots()
        edges = np.linspace(0, 100, 11)
        counts = np.histogram(np.clip(percentages, 0, 100), edges)[0]
        axes.bar(edges[:-1] + 5, counts, width=9.2, color=REFERENCE_COLOR, alpha=0.85)
        for x, count in zip(edges[:-1] + 5, counts):
            if count:
                axes.annotate(str(count), (x, count), ha="center", va="bottom", fontsize=8,
                              xytext=(0, 2), textcoords="offset points")
        axes.set_xticks(edges)
        axes.set_xlim(0, 100)
        axes.set_ylim(0, max(1, counts.max()) * 1.18)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_xlabel("total score (% of the maximum)")
        axes.set_ylabel("students")
        axes.grid(axis="x", visible=False)
        return _png(figure)
