"""Who may see and change the territory register: platform administrators only."""

from __future__ import annotations

from typing import Any

from kooperacja.core.policies import is_platform_admin


def can_manage_territory(user: Any) -> bool:
    """TERYT units are shared reference data; only a platform administrator imports or browses them here."""
    return is_platform_admin(user)
