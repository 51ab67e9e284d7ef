"""The shapes of the validated rules data follow the schema's models."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from vplan import datatypes, schema
from vplan.rules import default_rules_path
from vplan.validate import validate

PAIRS = [
    (datatypes.RulesData, schema.RulesModel),
    (datatypes.ProtocolData, schema.ProtocolModel),
    (datatypes.ContactData, schema.ContactModel),
    (datatypes.SourceData, schema.SourceModel),
    (datatypes.ActivityData, schema.ActivityModel),
    (datatypes.LimitData, schema.LimitModel),
    (datatypes.CautionData, schema.CautionModel),
    (datatypes.CareData, schema.CareModel),
    (datatypes.MilestoneData, schema.MilestoneModel),
    (datatypes.WarningSignsData, schema.WarningSignsModel),
    (datatypes.SignData, schema.SignModel),
    (datatypes.GuidanceData, schema.GuidanceModel),
    (datatypes.ProcedureData, schema.ProcedureModel),
]


@pytest.mark.parametrize(("shape", "model"), PAIRS, ids=[model.__name__ for _, model in PAIRS])
def test_each_shape_has_the_keys_its_model_dumps(shape: type, model: type[BaseModel]) -> None:
    """A TypedDict names every key its pydantic model writes to the cache, and no other."""
    written = {field.alias or name for name, field in model.model_fields.items()}
    assert set(shape.__annotations__) == written


def test_the_default_rules_dump_has_the_top_level_keys_of_rules_data() -> None:
    """The bundled rules, validated, have exactly the keys RulesData names."""
    data = validate(default_rules_path().read_bytes(), "rules.yaml")
    assert set(data) == set(datatypes.RulesData.__annotations__)
