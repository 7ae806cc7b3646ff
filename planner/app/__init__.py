"""The planner app: ipywidgets over the core, for notebooks and the Voilà dashboard.

:mod:`planner.app.planner_app` (the four steps: Plan, Log, Analysis, Next block),
:mod:`planner.app.panels` (the Log, Analysis and Next block panels) and the small
pieces they share: steps, downloads, markup, accessibility helpers and the chart
widget. The app holds no training rules of its own.
"""
