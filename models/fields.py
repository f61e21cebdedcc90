"""What each ledger shows and edits: fields, their kinds and labels.

One description serves the table models, the record dialogs, validation and (later) the workbook
columns, so a field is declared once. Labels are English source strings marked for Qt's translation
tools; ui/ translates them with the context ``"Field"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from models.i18n import QT_TRANSLATE_NOOP


class Kind(Enum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    MONEY = "money"  # 万元
    BOOL = "bool"
    CHOICE = "choice"  # a code from a controlled list
    REF = "ref"  # the id of a record in another ledger


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: str | None = None
    ref: str | None = None
    in_table: bool = True
    width: int = 120


@dataclass(frozen=True)
class Ledger:
    name: str
    title: str
    singular: str
    display_field: str
    fields: tuple[Field, ...]
    default_sort: str

    def field(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def table_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.in_table)


def _f(name: str, label: str, kind: Kind = Kind.TEXT, **options: object) -> Field:
    return Field(name, label, kind, **options)  # type: ignore[arg-type]


TEAMS = Ledger(
    "teams",
    QT_TRANSLATE_NOOP("Ledger", "Teams"),
    QT_TRANSLATE_NOOP("Ledger", "Team"),
    "name",
    (
        _f("name", QT_TRANSLATE_NOOP("Field", "Team name"), required=True, width=220),
        _f("unit", QT_TRANSLATE_NOOP("Field", "Unit"), width=180),
        _f("leader", QT_TRANSLATE_NOOP("Field", "Leader")),
    ),
    "name",
)

ENTERPRISES = Ledger(
    "enterprises",
    QT_TRANSLATE_NOOP("Ledger", "Enterprises"),
    QT_TRANSLATE_NOOP("Ledger", "Enterprise"),
    "name",
    (
        _f("name", QT_TRANSLATE_NOOP("Field", "Enterprise name"), required=True, width=260),
        _f("credit_code", QT_TRANSLATE_NOOP("Field", "Credit code"), width=170),
        _f("industry", QT_TRANSLATE_NOOP("Field", "Industry"), Kind.CHOICE, choices="industry", width=180),
        _f(
            "home_region", QT_TRANSLATE_NOOP("Field", "Home region"), Kind.CHOICE, choices="region", width=160
        ),
        _f("city", QT_TRANSLATE_NOOP("Field", "City"), width=80),
        _f("address", QT_TRANSLATE_NOOP("Field", "Address"), in_table=False),
        _f("contact_person", QT_TRANSLATE_NOOP("Field", "Contact person")),
        _f("phone", QT_TRANSLATE_NOOP("Field", "Phone")),
        _f("notes", QT_TRANSLATE_NOOP("Field", "Notes"), Kind.LONG_TEXT, in_table=False),
    ),
    "name",
)

TRIPS = Ledger(
    "trips",
    QT_TRANSLATE_NOOP("Ledger", "Trips"),
    QT_TRANSLATE_NOOP("Ledger", "Trip"),
    "purpose",
    (
        _f("start_date", QT_TRANSLATE_NOOP("Field", "Start date"), Kind.DATE, required=True, width=100),
        _f("end_date", QT_TRANSLATE_NOOP("Field", "End date"), Kind.DATE, width=100),
        _f("team_id", QT_TRANSLATE_NOOP("Field", "Team"), Kind.REF, ref="teams", required=True, width=180),
        _f(
            "destination_region",
            QT_TRANSLATE_NOOP("Field", "Destination region"),
            Kind.CHOICE,
            choices="region",
            width=160,
        ),
        _f("destination_city", QT_TRANSLATE_NOOP("Field", "Destination city"), width=90),
        _f("purpose", QT_TRANSLATE_NOOP("Field", "Purpose"), width=260),
        _f("participants", QT_TRANSLATE_NOOP("Field", "Participants"), width=180),
    ),
    "start_date",
)

VISITS = Ledger(
    "visits",
    QT_TRANSLATE_NOOP("Ledger", "Visits"),
    QT_TRANSLATE_NOOP("Ledger", "Visit"),
    "summary",
    (
        _f("visit_date", QT_TRANSLATE_NOOP("Field", "Date"), Kind.DATE, required=True, width=100),
        _f(
            "kind",
            QT_TRANSLATE_NOOP("Field", "Kind"),
            Kind.CHOICE,
            choices="visit_kind",
            required=True,
            width=140,
        ),
        _f("enterprise_id", QT_TRANSLATE_NOOP("Field", "Enterprise"), Kind.REF, ref="enterprises", width=240),
        _f("team_id", QT_TRANSLATE_NOOP("Field", "Team"), Kind.REF, ref="teams", required=True, width=160),
        _f("staff", QT_TRANSLATE_NOOP("Field", "Staff"), width=120),
        _f("trip_id", QT_TRANSLATE_NOOP("Field", "Trip"), Kind.REF, ref="trips", in_table=False),
        _f("location", QT_TRANSLATE_NOOP("Field", "Location"), width=100),
        _f("summary", QT_TRANSLATE_NOOP("Field", "Summary"), Kind.LONG_TEXT, width=260),
        _f("outcome", QT_TRANSLATE_NOOP("Field", "Outcome"), Kind.LONG_TEXT, width=200),
        _f("next_action", QT_TRANSLATE_NOOP("Field", "Next action"), width=200),
        _f("next_action_date", QT_TRANSLATE_NOOP("Field", "Next action date"), Kind.DATE, width=110),
    ),
    "visit_date",
)

LEADS = Ledger(
    "leads",
    QT_TRANSLATE_NOOP("Ledger", "Leads"),
    QT_TRANSLATE_NOOP("Ledger", "Lead"),
    "title",
    (
        _f("title", QT_TRANSLATE_NOOP("Field", "Lead"), required=True, width=240),
        _f("enterprise_id", QT_TRANSLATE_NOOP("Field", "Enterprise"), Kind.REF, ref="enterprises", width=220),
        _f("industry", QT_TRANSLATE_NOOP("Field", "Industry"), Kind.CHOICE, choices="industry", width=170),
        _f(
            "planned_investment",
            QT_TRANSLATE_NOOP("Field", "Planned investment (10k yuan)"),
            Kind.MONEY,
            width=130,
        ),
        _f("source", QT_TRANSLATE_NOOP("Field", "Source"), Kind.CHOICE, choices="lead_source", width=90),
        _f("discovered_on", QT_TRANSLATE_NOOP("Field", "Discovered on"), Kind.DATE, required=True, width=100),
        _f("team_id", QT_TRANSLATE_NOOP("Field", "Team"), Kind.REF, ref="teams", required=True, width=160),
        _f("owner", QT_TRANSLATE_NOOP("Field", "Owner")),
        _f(
            "status",
            QT_TRANSLATE_NOOP("Field", "Status"),
            Kind.CHOICE,
            choices="lead_status",
            required=True,
            width=100,
        ),
        _f("effective", QT_TRANSLATE_NOOP("Field", "Effective"), Kind.BOOL, width=70),
        _f("next_follow_up", QT_TRANSLATE_NOOP("Field", "Next follow-up"), Kind.DATE, width=100),
        _f("notes", QT_TRANSLATE_NOOP("Field", "Notes"), Kind.LONG_TEXT, in_table=False),
    ),
    "discovered_on",
)

MILESTONES: tuple[tuple[str, str, str], ...] = (
    # (stage reached, planned-date field, actual-date field)
    ("land_supplied", "land_planned", "land_actual"),
    ("construction_started", "start_planned", "start_actual"),
    ("completed", "completion_planned", "completion_actual"),
    ("in_operation", "operation_planned", "operation_actual"),
    ("up_to_standard", "standard_planned", "standard_actual"),
)

PROJECTS = Ledger(
    "projects",
    QT_TRANSLATE_NOOP("Ledger", "Projects"),
    QT_TRANSLATE_NOOP("Ledger", "Project"),
    "name",
    (
        _f("name", QT_TRANSLATE_NOOP("Field", "Project name"), required=True, width=240),
        _f("enterprise_id", QT_TRANSLATE_NOOP("Field", "Enterprise"), Kind.REF, ref="enterprises", width=200),
        _f("lead_id", QT_TRANSLATE_NOOP("Field", "From lead"), Kind.REF, ref="leads", in_table=False),
        _f("team_id", QT_TRANSLATE_NOOP("Field", "Team"), Kind.REF, ref="teams", width=150),
        _f("industry", QT_TRANSLATE_NOOP("Field", "Industry"), Kind.CHOICE, choices="industry", width=170),
        _f("manufacturing", QT_TRANSLATE_NOOP("Field", "Manufacturing"), Kind.BOOL, width=100),
        _f(
            "planned_investment",
            QT_TRANSLATE_NOOP("Field", "Planned investment (10k yuan)"),
            Kind.MONEY,
            width=130,
        ),
        _f(
            "actual_investment",
            QT_TRANSLATE_NOOP("Field", "Actual investment (10k yuan)"),
            Kind.MONEY,
            width=130,
        ),
        _f("site", QT_TRANSLATE_NOOP("Field", "Site")),
        _f("stage", QT_TRANSLATE_NOOP("Field", "Stage"), Kind.CHOICE, choices="project_stage", required=True),
        _f("signed_on", QT_TRANSLATE_NOOP("Field", "Signed on"), Kind.DATE, required=True, width=100),
        _f("land_planned", QT_TRANSLATE_NOOP("Field", "Land supply (planned)"), Kind.DATE, width=100),
        _f("land_actual", QT_TRANSLATE_NOOP("Field", "Land supply (actual)"), Kind.DATE, width=100),
        _f("start_planned", QT_TRANSLATE_NOOP("Field", "Construction start (planned)"), Kind.DATE, width=100),
        _f("start_actual", QT_TRANSLATE_NOOP("Field", "Construction start (actual)"), Kind.DATE, width=100),
        _f("completion_planned", QT_TRANSLATE_NOOP("Field", "Completion (planned)"), Kind.DATE, width=100),
        _f("completion_actual", QT_TRANSLATE_NOOP("Field", "Completion (actual)"), Kind.DATE, width=100),
        _f("operation_planned", QT_TRANSLATE_NOOP("Field", "Operation (planned)"), Kind.DATE, width=100),
        _f("operation_actual", QT_TRANSLATE_NOOP("Field", "Operation (actual)"), Kind.DATE, width=100),
        _f("standard_planned", QT_TRANSLATE_NOOP("Field", "Up to standard (planned)"), Kind.DATE, width=100),
        _f("standard_actual", QT_TRANSLATE_NOOP("Field", "Up to standard (actual)"), Kind.DATE, width=100),
        _f("notes", QT_TRANSLATE_NOOP("Field", "Notes"), Kind.LONG_TEXT, in_table=False),
    ),
    "signed_on",
)

LEDGERS: dict[str, Ledger] = {
    ledger.name: ledger for ledger in (TEAMS, ENTERPRISES, TRIPS, VISITS, LEADS, PROJECTS)
}
