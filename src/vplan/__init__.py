"""vplan: a recovery planner for patients after vertebroplasty."""

__version__ = "0.1.0"
