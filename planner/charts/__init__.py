"""Every plotly figure of the planner, one builder per chart.

:mod:`planner.charts.plan` draws a plan, :mod:`planner.charts.analysis` a log's
analysis, :mod:`planner.charts.style` holds what they share. The app, the
notebooks, the coach page and the HTML report all use these builders. Uses only
the core.
"""
