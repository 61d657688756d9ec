"""Who may see a page: logged-in users, and admins for the admin screens."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])


def admin_required(view: F) -> F:
    """A page for admins only: anonymous visitors go to the login form, agents get 403."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403, "This page is for admins.")
        return view(*args, **kwargs)

    return login_required(wrapped)
