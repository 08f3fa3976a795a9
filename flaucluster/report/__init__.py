"""Exports a colleague can open: CSV, Parquet, XLSX, topics.json, Markdown and a self-contained HTML report."""

from .exports import ReportInputs, report_inputs, write_report

__all__ = ["ReportInputs", "report_inputs", "write_report"]
