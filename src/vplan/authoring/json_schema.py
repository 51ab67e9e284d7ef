"""The rules format as a JSON Schema, generated from the models in ``vplan.schema``.

Editors that check YAML against a schema (VS Code and others through the YAML language
server) then point out unknown keys, wrong units and missing texts as the clinic types.
The schema is a guide for editors; ``vplan rules validate`` remains the judge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vplan.datatypes import Json

DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "vplan rules file"
DESCRIPTION = (
    "A clinic's recovery protocol for vplan: the activities and their limits, what to do, the "
    "milestones and the warning signs, each with its source. Check a file with "
    "'vplan rules lint FILE'."
)


def rules_json_schema() -> dict[str, Json]:
    """The JSON Schema (draft 2020-12) of a rules file."""
    from vplan.schema import RulesModel

    generated = RulesModel.model_json_schema()
    body = {key: value for key, value in generated.items() if key not in ("title", "description")}
    return {"$schema": DIALECT, "title": TITLE, "description": DESCRIPTION, **body}
