"""The map of ``map.html`` as a Jupyter widget (anywidget): the same script, with the selection
sent back to Python so that a lasso goes straight to an edit (:mod:`flaucluster.curation`).

    cur = model.curate()
    carte = MapWidget.of(cur.state)  # display it: lasso = Shift+drag, or the "Lasso" button
    cur.new_cluster(carte.selected, name="Tableurs")
    carte.show(cur.state)            # redraw with the edited clusters
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import anywidget
import traitlets

from .map import json_for_html, map_payload, script, stylesheet

__all__ = ["MapWidget"]

if TYPE_CHECKING:
    from ..state import FittedState

_RENDER = """
function render({ model, el }) {
  let map = null;
  // each show() draws afresh; the map fits its view to the element whenever that gets or changes its size
  // (a cell's output is laid out after render), until the user pans or zooms
  const draw = () => {
    if (map) map.destroy();
    el.replaceChildren();
    const root = document.createElement("div");
    root.style.height = model.get("height") + "px";
    el.append(root);
    map = flauMount(root, JSON.parse(model.get("data")), {
      onSelect: (ids) => { model.set("selected", ids); model.save_changes(); },
      onEdits: (edits) => { model.set("edits", edits); model.save_changes(); },
    });
  };
  model.on("change:data", draw);
  draw();
  return () => { if (map) map.destroy(); };
}
export default { render };
"""


class MapWidget(anywidget.AnyWidget):
    """Every usable row of a fitted model on a map; ``selected`` holds the ids of the rows selected
    in it, ``edits`` the edits made in it (not yet applied: ``curation.apply_edits(widget.edits)``).

    Make one with :meth:`of` (or construct it, then draw a state with :meth:`show`).

    Other Parameters
    ----------------
    *args : object
        Passed on to :class:`anywidget.AnyWidget`.
    **kwargs : object
        Passed on to :class:`anywidget.AnyWidget`: initial values of the traits below, e.g. ``height=600``.

    Attributes
    ----------
    data : str
        The map's data, as JSON (set by :meth:`show`).
    height : int
        The map's height in pixels, 640 by default.
    selected : list of str
        The ids of the rows selected on the map (lasso: Shift+drag, or the "Lasso" button).
    edits : list of dict
        The edits made on the map (``flaucluster-edits/1`` records), for ``curation.apply_edits(widget.edits)``.

    See Also
    --------
    flaucluster.curation.Curation.apply_edits : Apply the map's edits.
    """

    _esm = traitlets.Unicode(script() + _RENDER).tag(sync=True)
    _css = traitlets.Unicode(stylesheet()).tag(sync=True)
    data = traitlets.Unicode("{}").tag(sync=True)
    height = traitlets.Int(640).tag(sync=True)
    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)
    edits = traitlets.List(traitlets.Dict()).tag(sync=True)

    @classmethod
    def of(cls, state: FittedState, **kwargs) -> MapWidget:
        """A widget showing a fitted state's map, ready to display.

        Parameters
        ----------
        state : flaucluster.state.FittedState
            ``model.state_``, ``curation.state`` or a loaded state.
        **kwargs : object
            Initial values of the widget's traits, e.g. ``height=600``.

        Returns
        -------
        MapWidget
            The new widget, drawn with :meth:`show`.

        Examples
        --------
        >>> carte = MapWidget.of(model.state_, height=600)  # doctest: +SKIP
        >>> cur = model.curate().new_cluster(carte.selected, name="Tableurs")  # doctest: +SKIP
        """
        widget = cls(**kwargs)
        return widget.show(state)

    def __repr__(self) -> str:  # what a notebook shows where widgets are not rendered (a static page, a terminal)
        data = json.loads(self.data)
        n, k = len(data.get("id", [])), len(data.get("clusters", []))
        return f"MapWidget({n} lignes, {k} groupes : carte interactive dans JupyterLab, ou map.html d'un rapport)"

    def show(self, state: FittedState) -> MapWidget:
        """Draw a fitted state (after edits, say: ``curation.state``); the selection and page edits start afresh.

        The map coordinates are the state's: the fit's layout, kept through edits.

        Parameters
        ----------
        state : flaucluster.state.FittedState
            ``model.state_``, ``curation.state`` or a loaded state.

        Returns
        -------
        MapWidget
            This widget, redrawn.
        """
        from ..state import complete
        from ..views import document_info, layer_tables, next_colors, topic_info

        if state.map_coords is None:
            state = complete(state)
        assert state.map_coords is not None
        tables, parents = layer_tables(state)
        payload = map_payload(
            document_info(state),
            topic_info(state),
            state.map_coords,
            next_cluster=state.history.next_id if state.history is not None else max(state.names(), default=-1) + 1,
            custom=set(state.custom_names),
            new_colors=next_colors(state),
            layers=tables,
            parents=parents,
        )
        self.selected, self.edits = [], []
        self.data = json_for_html(payload)
        return self
