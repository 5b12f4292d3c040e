"""Role policies evaluated with pycasbin, RBAC with domains (domain = tenant).

``enforce()`` scans its rules linearly, so the kernel keeps one enforcer per tenant, builds a new
one off to the side when grants change, and resolves each role's permissions once into a frozen
set; a request checks ``permission in ctx.permissions`` and never calls casbin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import casbin

logging.getLogger("casbin").setLevel(logging.WARNING)  # it logs every model line at INFO

MODEL_PATH = Path(__file__).with_name("rbac_with_domains.conf")


def build_enforcer(domain: str, grants: Iterable[tuple[str, str]]) -> casbin.Enforcer:
    """An enforcer for one tenant holding ``(role key, permission)`` grants."""
    enforcer = casbin.Enforcer(str(MODEL_PATH))
    rules = [[role, domain, permission] for role, permission in grants]
    if rules:
        enforcer.add_policies(rules)
    return enforcer


def resolve_role_permissions(enforcer: casbin.Enforcer, domain: str, roles: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each role's effective permissions (inherited ones included), computed once per rebuild."""
    return {
        role: frozenset(rule[2] for rule in enforcer.get_implicit_permissions_for_user(role, domain)) for role in roles
    }
