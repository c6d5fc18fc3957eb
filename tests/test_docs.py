"""Documentation stays in step with the code."""

from pathlib import Path

from qbattery.tools.config_docs import render

ROOT = Path(__file__).resolve().parents[1]


def test_config_reference_is_up_to_date_with_schema_and_registry():
    """docs/config.md equals what `python -m qbattery.tools.config_docs` generates now."""
    assert (ROOT / "docs" / "config.md").read_text() == render(), (
        "docs/config.md is stale: run `python -m qbattery.tools.config_docs > docs/config.md`"
    )


def test_every_schema_key_and_model_parameter_is_documented():
    text = (ROOT / "docs" / "config.md").read_text()
    import qbattery

    from qbattery.config import FACE_SECTIONS
    from qbattery.models import models_with

    for face, path in FACE_SECTIONS.items():
        section = ".".join(path)
        for name in models_with(face):
            assert f"`{section}.{name}`" in text, (face, name)
            for p in qbattery.MODELS[name].parameters:
                assert f"`{section}.{name}.{p.name}`" in text, (face, name, p.name)
    for name in qbattery.MODELS:
        assert f"### `{name}`" in text
