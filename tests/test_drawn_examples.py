"""Every check of every assignment here draws the graded examples it drew when they were recorded
(``tests/drawn_examples.py``), byte for byte: recorded grades stand on them."""

import json

from drawn_examples import RECORDED, drawn_examples


def test_every_check_draws_its_recorded_examples():
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    drawn = drawn_examples()
    for config, checks in recorded.items():
        assert list(drawn[config]) == list(checks), config
        changed = [check for check in checks if drawn[config][check] != checks[check]]
        assert not changed, f"{config}: these checks draw other examples than recorded: {changed}"
