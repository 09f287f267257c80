"""The README stays true to the code."""

from __future__ import annotations

from scripts.settings_table import README, SETTINGS_CLASSES, load, readme_table, render, rows


def test_the_readme_configuration_table_matches_the_settings_classes() -> None:
    assert readme_table(README.read_text()) == render(), (
        "README configuration table is stale: run `.venv/bin/python -m scripts.settings_table --write`"
    )


def test_every_setting_says_what_it_means() -> None:
    missing = [name for name, (_, meaning, _) in rows().items() if not meaning]
    assert not missing, f"settings without a description: {missing}"


def test_every_deployable_has_exactly_one_settings_class() -> None:
    classes = {load(path) for path in SETTINGS_CLASSES.values()}
    assert len(classes) == len(SETTINGS_CLASSES)
