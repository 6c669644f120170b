"""What each staff role may see and do in the console: one table, read by every page and action.

Personal data (full phone, email, name, birthday, channel ids) is shown only to the roles that talk to
members (CSKH, store managers, admin); marketing and auditors see it masked. A store manager acts only for
their own stores: commands are recorded under one of them, and what was done at another store (a
reservation, a redemption, a requested adjustment) is not theirs to undo (`may_act_on_store`).
"""

from __future__ import annotations

from enum import StrEnum

from faces.console.accounts import Staff, StaffRole

CSKH, MANAGER, MARKETING, AUDITOR, ADMIN = (StaffRole.CSKH, StaffRole.STORE_MANAGER, StaffRole.MARKETING,
                                            StaffRole.AUDITOR, StaffRole.ADMIN)


class Can(StrEnum):
    FIND_MEMBERS = "find_members"
    SEE_PERSONAL_DATA = "see_personal_data"
    ACT_ON_MEMBERS = "act_on_members"
    DECIDE_APPROVALS = "decide_approvals"
    SEE_DASHBOARD = "see_dashboard"
    EXPORT_SEGMENTS = "export_segments"
    EDIT_PROGRAM = "edit_program"
    READ_STAFF_LOG = "read_staff_log"
    MANAGE_STAFF = "manage_staff"
    MANAGE_WEBHOOKS = "manage_webhooks"


GRANTS: dict[Can, frozenset[StaffRole]] = {
    Can.FIND_MEMBERS: frozenset({CSKH, MANAGER, AUDITOR, ADMIN}),
    Can.SEE_PERSONAL_DATA: frozenset({CSKH, MANAGER, ADMIN}),
    Can.ACT_ON_MEMBERS: frozenset({CSKH, MANAGER, ADMIN}),
    Can.DECIDE_APPROVALS: frozenset({CSKH, MANAGER, ADMIN}),
    Can.SEE_DASHBOARD: frozenset({MARKETING, MANAGER, AUDITOR, ADMIN}),
    Can.EXPORT_SEGMENTS: frozenset({MARKETING, ADMIN}),
    Can.EDIT_PROGRAM: frozenset({MARKETING, ADMIN}),
    Can.READ_STAFF_LOG: frozenset({AUDITOR, ADMIN}),
    Can.MANAGE_STAFF: frozenset({ADMIN}),
    Can.MANAGE_WEBHOOKS: frozenset({ADMIN}),
}


def can(staff: Staff, what: Can) -> bool:
    return staff.role in GRANTS[what]


def may_act_on_store(staff: Staff, store_id: str | None) -> bool:
    """Whether something done at `store_id` (None: no store, e.g. online) is within this person's reach."""
    return not staff.stores or store_id in staff.stores


def mask_phone(phone: str | None) -> str | None:
    """`+84901234567` -> `+84•••••4567`: enough to confirm with the member, not enough to call them."""
    if not phone:
        return phone
    return phone[:3] + "•" * max(len(phone) - 7, 3) + phone[-4:]


def mask_text(value: str | None) -> str | None:
    """`Nguyễn Thị Lan` -> `N••• T•• L••`; an email keeps its first letter and domain."""
    if not value:
        return value
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}•••@{domain}"
    return " ".join(word[:1] + "•" * max(len(word) - 1, 2) for word in value.split())
