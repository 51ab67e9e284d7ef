"""vplan: a recovery planner for patients after vertebroplasty."""

__version__ = "0.2.0"
