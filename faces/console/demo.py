"""One demo account per staff role, for `make run` (`loyalty quickstart`): created once, same passwords on
every run, printed so that a new user can sign in at once. Never used outside the quickstart."""

from __future__ import annotations

from typing import Any

from faces.console.accounts import StaffAccounts

DEMO_ACCOUNTS = (
    ("cskh", "cskh-demo-2026", "cskh", (), "Trần Thu Hà (CSKH)"),
    ("quanly.hcm01", "quanly-demo-2026", "store_manager", ("HCM-01",), "Lê Văn Nam (quản lý HCM-01)"),
    ("marketing", "marketing-demo-2026", "marketing", (), "Phạm Minh Anh (marketing)"),
    ("kiemtoan", "kiemtoan-demo-2026", "auditor", (), "Đỗ Quang Huy (kiểm toán)"),
    ("admin", "admin-demo-2026", "admin", (), "Quản trị hệ thống"),
)


def ensure_demo_accounts(tables: Any) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Create the demo accounts that do not exist yet (an existing one keeps its password)."""
    accounts = StaffAccounts(tables)
    for username, password, role, stores, name in DEMO_ACCOUNTS:
        accounts.create(username, password, role, stores, display_name=name)
    return [(username, password, role, stores) for username, password, role, stores, _ in DEMO_ACCOUNTS]
