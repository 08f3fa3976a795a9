"""One palette for every surface: the map, the notebook widget and the report's figures read the same colours.

A cluster's colour follows from its place in the fit: the fit's clusters ranked by size take the palette's
first colours in turn (so the 12 largest are at least 12 CIEDE2000 apart), and each cluster an edit makes
takes the next colours, in the order of its id. A colour therefore belongs to a cluster id: a merge or a
rename keeps it, an edit never gives a new group a colour already in use, and no real group is grey. The rows
outside any group are the one grey (:data:`OUTLIER_COLOR`).

:data:`PALETTE` was made by :func:`farthest_colors` (greedy farthest point in CIEDE2000 over the sRGB colours
light enough to carry dark text and dark enough to see on white, neither grey nor glaring); it is written out so that a
report made later, elsewhere or with another numpy, paints every cluster as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

__all__ = [
    "OUTLIER_COLOR",
    "PALETTE",
    "ciede2000",
    "cluster_colors",
    "color_at",
    "farthest_colors",
    "hex_to_lab",
    "is_grey",
    "new_cluster_colors",
    "shades",
]

OUTLIER_COLOR = "#b4b8be"  # the rows outside any group: the only grey
MIN_CHROMA = 30.0  # CIELAB chroma below which a colour reads as grey (the palette's floor) ...
MAX_CHROMA = 70.0  # ... and above which it glares beside the others
LIGHTNESS = (40.0, 78.0)  # L*: seen on white, and a dark label still reads over it

PALETTE: tuple[str, ...] = (
    "#bb1144", "#556600", "#4455bb", "#bb6600", "#aacc44", "#008888", "#ff66bb", "#ffaa99",
    "#0099ff", "#00cc99", "#ddaa33", "#00ccee", "#993399", "#9988ff", "#449933", "#ee5555",
    "#ccaadd", "#998844", "#aa6688", "#aa4422", "#007744", "#ff9944", "#0077aa", "#8877aa",
    "#99bbff", "#bb8866", "#99bb88", "#449977", "#0099bb", "#886633", "#ee8899", "#bb66cc",
    "#4477ee", "#889900", "#dd3377", "#dd6633", "#995555", "#00bbbb", "#ff99ff", "#ddbb88",
    "#66cc66", "#33bbff", "#775588", "#994466", "#aaaa66", "#cc8822", "#7766dd", "#227700",
    "#778844", "#cc88bb", "#ccbb33", "#eeaacc", "#776600", "#bb6655", "#cc88ff", "#cc6677",
    "#bbaaff", "#ee8866", "#cc3333", "#6677aa", "#7799dd", "#885533", "#007766", "#557744",
)  # fmt: skip


def hex_to_lab(colors: Iterable[str]) -> np.ndarray:
    """CIELAB (D65) of ``#rrggbb`` colours.

    Parameters
    ----------
    colors : iterable of str
        Colours written ``#rrggbb``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 3)``: L*, a*, b*.
    """
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colors], dtype=np.float64).reshape(-1, 3)
    return _rgb_to_lab(rgb / 255.0)


def _rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array(
        [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
    )
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """The CIEDE2000 colour difference (kL = kC = kH = 1), element-wise with numpy broadcasting.

    The formula as Sharma, Wu and Dalal (2005) write it; their 34 test pairs are checked in the tests.

    Parameters
    ----------
    lab1, lab2 : numpy.ndarray
        CIELAB colours, shape ``(..., 3)``, broadcastable against each other.

    Returns
    -------
    numpy.ndarray
        ΔE00, shape of the broadcast without the last axis.
    """
    lab1, lab2 = np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64)
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.where((a1p == 0) & (b1 == 0), 0.0, np.degrees(np.arctan2(b1, a1p)) % 360)
    h2p = np.where((a2p == 0) & (b2 == 0), 0.0, np.degrees(np.arctan2(b2, a2p)) % 360)
    dl, dc = L2 - L1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    d_big_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)
    l_mean, cp_mean = (L1 + L2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        c1p * c2p == 0,
        h_sum,
        np.where(np.abs(h1p - h2p) <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_big_h / s_h) ** 2 + r_t * (dc / s_c) * (d_big_h / s_h))


def is_grey(color: str) -> bool:
    """Whether a ``#rrggbb`` colour reads as grey: its CIELAB chroma is under half the palette's floor.

    Parameters
    ----------
    color : str
        A colour written ``#rrggbb``.

    Returns
    -------
    bool
        True for a grey (the outlier colour), False for every palette colour.
    """
    _, a, b = hex_to_lab([color])[0]
    return bool(np.hypot(a, b) < MIN_CHROMA / 2)


@lru_cache(maxsize=1)
def _candidates() -> tuple[np.ndarray, np.ndarray]:
    levels = np.arange(0, 256, 17)  # the 4,096 colours #rgb written #rrggbb
    rgb = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    lab = _rgb_to_lab(rgb / 255.0)
    keep = (lab[:, 0] >= LIGHTNESS[0]) & (lab[:, 0] <= LIGHTNESS[1]) & (np.hypot(lab[:, 1], lab[:, 2]) >= MIN_CHROMA)
    keep &= np.hypot(lab[:, 1], lab[:, 2]) <= MAX_CHROMA
    return rgb[keep], lab[keep]


def farthest_colors(n: int, taken: Sequence[str] = ()) -> list[str]:
    """``n`` colours, each in turn the candidate farthest (CIEDE2000) from those before it, ``taken`` included.

    The candidates are the 4,096 colours ``#rgb``, less those too light, too dark, grey or glaring. :data:`PALETTE` is
    ``farthest_colors(64, [OUTLIER_COLOR])``; past it, the palette goes on from here.

    Parameters
    ----------
    n : int
        How many colours to add.
    taken : sequence of str, optional
        Colours already in use (``#rrggbb``): the new ones keep away from them.

    Returns
    -------
    list of str
        ``#rrggbb`` colours, in the order they were chosen.
    """
    rgb, lab = _candidates()
    nearest = np.full(len(lab), np.inf)
    for color in taken:
        nearest = np.minimum(nearest, ciede2000(lab, hex_to_lab([color])[0]))
    out: list[str] = []
    for _ in range(n):
        i = int(np.argmax(nearest))  # first of the ties: the same colours on every run
        out.append("#" + "".join(f"{int(v):02x}" for v in rgb[i]))
        nearest = np.minimum(nearest, ciede2000(lab, lab[i]))
    return out


@lru_cache(maxsize=8)
def _beyond(count: int) -> tuple[str, ...]:
    return tuple(farthest_colors(count, [OUTLIER_COLOR, *PALETTE]))


def color_at(slot: int) -> str:
    """The palette's colour number ``slot`` (0 first): :data:`PALETTE`, then :func:`farthest_colors` beyond it.

    Parameters
    ----------
    slot : int
        A place in the palette, 0 or more.

    Returns
    -------
    str
        A ``#rrggbb`` colour, never grey.
    """
    if slot < len(PALETTE):
        return PALETTE[slot]
    extra = slot - len(PALETTE)
    return _beyond(64 * (extra // 64 + 1))[extra]


def cluster_colors(clusters: Iterable[int], fit_labels: np.ndarray, first_new: int | None = None) -> dict[int, str]:
    """Each cluster's colour: the fit's clusters by size, then the clusters edits made, by id.

    Parameters
    ----------
    clusters : iterable of int
        The cluster ids to colour (those in use now).
    fit_labels : numpy.ndarray
        The fit's labels, before any edit (-1 outside any group).
    first_new : int or None, optional
        The id of the first cluster an edit made (the fit's ``next_id``); None: one more than the fit's largest.

    Returns
    -------
    dict of int to str
        Cluster id -> ``#rrggbb``; a negative id gets :data:`OUTLIER_COLOR`.
    """
    slots, start = _fit_slots(fit_labels, first_new)
    n_fit = len(slots)
    return {
        int(c): OUTLIER_COLOR if c < 0 else color_at(slots.get(int(c), n_fit + max(0, int(c) - start)))
        for c in clusters
    }


def _fit_slots(fit_labels: np.ndarray, first_new: int | None) -> tuple[dict[int, int], int]:
    """The fit's clusters ranked by size (largest first, ties by id), and the id of the first new cluster."""
    labels = np.asarray(fit_labels)
    ids, sizes = np.unique(labels[labels >= 0], return_counts=True)
    order = sorted(zip(ids.tolist(), sizes.tolist()), key=lambda p: (-p[1], p[0]))
    start = first_new if first_new is not None else (int(ids.max()) + 1 if len(ids) else 0)
    return {int(c): rank for rank, (c, _) in enumerate(order)}, int(start)


def new_cluster_colors(
    next_id: int, fit_labels: np.ndarray, first_new: int | None = None, count: int = 32
) -> list[str]:
    """The colours the next ``count`` new clusters get (ids ``next_id``, ``next_id + 1``, …), for the map's edits.

    Parameters
    ----------
    next_id : int
        The id the next new cluster gets.
    fit_labels : numpy.ndarray
        The fit's labels, before any edit.
    first_new : int or None, optional
        The id of the first cluster an edit made, as for :func:`cluster_colors`.
    count : int, default 32
        How many colours.

    Returns
    -------
    list of str
        ``#rrggbb`` colours, the one for ``next_id`` first.
    """
    colors = cluster_colors(range(next_id, next_id + count), fit_labels, first_new)
    return [colors[c] for c in range(next_id, next_id + count)]


def shades(base: str, count: int) -> list[str]:
    """``count`` shades of ``base`` (``#rrggbb``): its hue kept, lighter and darker around it by turns (L* up to
    +-18), ``base`` first; the clusters of one domain coloured alike when the map is coloured by domain.

    Parameters
    ----------
    base : str
        The domain's colour.
    count : int
        How many shades.

    Returns
    -------
    list of str
        ``#rrggbb`` colours.
    """
    lab = hex_to_lab([base])[0]
    out = []
    for i in range(count):
        step = (i + 1) // 2 * (1 if i % 2 else -1) / max(1, (count + 1) // 2)  # 0, +, -, ++, --, ... in [-1, 1]
        light = float(np.clip(lab[0] + 18 * step, 20, 92))
        out.append(_lab_to_hex(np.array([light, lab[1], lab[2]])))
    return out


def _lab_to_hex(lab: np.ndarray) -> str:
    """The ``#rrggbb`` of a CIELAB (D65) colour, clipped into sRGB (the inverse of :func:`hex_to_lab`)."""
    fy = (lab[0] + 16) / 116
    f = np.array([fy + lab[1] / 500, fy, fy - lab[2] / 200])
    xyz = np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * np.array([0.95047, 1.0, 1.08883])
    m = np.array(
        [[3.2404542, -1.5371385, -0.4985314], [-0.9692660, 1.8760108, 0.0415560], [0.0556434, -0.2040259, 1.0572252]]
    )
    lin = np.clip(m @ xyz, 0, 1)
    rgb = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
    return "#" + "".join(f"{int(round(v * 255)):02x}" for v in np.clip(rgb, 0, 1))
