"""One commissioner's contribution to the programme KPIs, counted as tepai.reports.kpi counts.

The programme figures count projects and activity records; a commissioner's share is the same
count (:func:`tepai.reports.kpi.figures_over`) over the records they are named on. A record
shared by several commissioners counts in full for each of them (the programme total counts it
once), which is how the bulletins credit team work.
"""

from __future__ import annotations

from tepai.activities.models import Activity
from tepai.commissioners.models import Commissioner
from tepai.projects.models import Project
from tepai.reports.kpi import KpiFigure, figures_over


def contribution(commissioner: Commissioner) -> list[KpiFigure]:
    """Return the KPI figures counted over ``commissioner``'s projects and activities."""
    projects = Project.objects.counted().filter(commissioners=commissioner)
    activities = Activity.objects.filter(commissioners=commissioner)
    return list(figures_over(projects, activities).values())
