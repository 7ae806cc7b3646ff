"""What the planner writes for people, and reads back of its own: the plan CSV with
its settings file, the calendar, the printable sheet, the analysis report, a plan's
downloads as bytes, and the safe writing all of them go through.

Uses the core (:mod:`planner`) and the charts (the report draws them); never the
app or the clinic.
"""
