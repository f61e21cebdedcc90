"""Project milestones against their plan ("reverse scheduling"): which are overdue, and by how long."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from models.fields import MILESTONES


def overdue_milestones(project: Mapping[str, Any], today: date) -> dict[str, int]:
    """Planned-date fields whose date has passed with no actual date, mapped to days overdue."""
    overdue = {}
    for _, planned_field, actual_field in MILESTONES:
        planned = project.get(planned_field)
        if isinstance(planned, date) and planned < today and project.get(actual_field) is None:
            overdue[planned_field] = (today - planned).days
    return overdue
