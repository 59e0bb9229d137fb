from .accounts import ApiToken, Notification, UserScope
from .annual_reports import AnnualReport, CreditListEntry, DeadlineReminder, Rating, ReportReview
from .organizations import Organization, SupervisingUnit
from .regions import Region
from .registration import (
    ApplicationEvent,
    ApplicationMaterial,
    CalendarDay,
    ChecklistItem,
    CodeSequence,
    DirectRegistrationCategory,
    RegistrationApplication,
    TimeLimitRule,
)

__all__ = [
    "ApiToken",
    "AnnualReport",
    "ApplicationEvent",
    "ApplicationMaterial",
    "CalendarDay",
    "ChecklistItem",
    "CodeSequence",
    "CreditListEntry",
    "DeadlineReminder",
    "DirectRegistrationCategory",
    "Notification",
    "Organization",
    "Rating",
    "Region",
    "RegistrationApplication",
    "ReportReview",
    "SupervisingUnit",
    "TimeLimitRule",
    "UserScope",
]
