"""The engagement personas (one user per role, a demand, outsiders), for the contract step."""

from tepai.engagements.tests.conftest import world  # noqa: F401  (a fixture)
