"""Documentation stays in step with the code."""

from pathlib import Path

from qbattery.config_docs import render

ROOT = Path(__file__).resolve().parents[1]


def test_config_reference_is_up_to_date_with_schema_and_registry():
    """docs/config.md equals what `python -m qbattery.config_docs` generates now."""
    assert (ROOT / "docs" / "config.md").read_text() == render(), (
        "docs/config.md is stale: run `python -m qbattery.config_docs > docs/config.md`"
    )


def test_every_schema_key_and_model_parameter_is_documented():
    text = (ROOT / "docs" / "config.md").read_text()
    import qbattery

    for section, face in (("models", "closed"), ("open_systems.models", "lindblad")):
        for name in qbattery.models.models_with(face):
            assert f"`{section}.{name}`" in text
            for p in qbattery.MODELS[name].parameters:
                assert f"`{section}.{name}.{p.name}`" in text
