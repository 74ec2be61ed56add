"""The sync pipeline: locate → check → compute flags and rollups → diff → report.

:mod:`.run` drives one sync over any backend: it reads a snapshot, finds our
sheets and columns by key, checks each row and the rows against each other, decides
every tool cell, keeps only the cells that changed, and hands them to the backend.
Along the way :mod:`.attention` notes what needs a person and :mod:`.uncounted` the
money the totals leave out; :mod:`.summary` words the report for people.
"""
