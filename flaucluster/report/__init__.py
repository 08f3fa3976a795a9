"""Exports a colleague can open: CSV, Parquet, XLSX, topics.json, Markdown and a self-contained HTML report.

:func:`report_inputs` gathers what a fitted or loaded model shows; :func:`write_report` writes it all into one
folder (what ``flaucluster cluster``, ``report`` and ``edit`` do).
"""

from .exports import ReportInputs, report_inputs, write_report

__all__ = ["ReportInputs", "report_inputs", "write_report"]
