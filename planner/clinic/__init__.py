"""Coaches and clinics: many athletes at once.

:mod:`~planner.clinic.roster` (who the athletes are), :mod:`~planner.clinic.store`
(the Delta Lake store that ingest fills), :mod:`~planner.clinic.cohort` (one row per
athlete, on DuckDB or Dask), :mod:`~planner.clinic.flags` (what a coach looks at
first), :mod:`~planner.clinic.athlete` (one athlete read back),
:mod:`~planner.clinic.next_blocks` (everyone's next block in one zip) and
:mod:`~planner.clinic.coach_page` (the coach's page). The clinic sits on top: it
may use every other room.
"""
