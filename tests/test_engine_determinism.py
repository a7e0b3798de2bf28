"""The examples of a check do not depend on what else the grading process imported.

Hypothesis draws, now and then, literals it finds in the source of the "local" modules
loaded in the process; the engine turns that off while it draws, so ``grade``, ``grade-all``,
the tests and ``validate`` meet the same examples. Each run below is a fresh interpreter that
draws 300 derandomized floats, imports a module full of float literals, and draws again.
"""

import subprocess
import sys

import pytest

DRAWS = '''
import contextlib
import sys
from hypothesis import given, settings, strategies as st
if sys.argv[1].startswith("engine"):
    from autograder.grading.engine import without_local_constants as drawing
else:
    drawing = contextlib.nullcontext

def draws():
    seen = []

    @settings(derandomize=True, database=None, max_examples=300)
    @given(st.floats(-10, 10))
    def record(x):
        seen.append(x)

    with drawing():
        record()
    return seen

before = draws()
sys.path.insert(0, ".")
import literals
if sys.argv[1] == "engine after a plain draw":  # Hypothesis caches the pools of constants a plain draw used
    plain = drawing
    drawing = contextlib.nullcontext
    draws()
    drawing = plain
print(before == draws())
'''


@pytest.mark.parametrize("imports, same", [("engine", "True"), ("engine after a plain draw", "True"),
                                           ("hypothesis only", "False")])
def test_a_newly_imported_module_changes_no_example(imports, same, tmp_path):
    (tmp_path / "literals.py").write_text("VALUES = [1.2345678, 2.7182818, -3.3333333, 4.4444444, 5.5555555, "
                                          "-6.6666666, 7.7777777, 8.8888888]\n")
    (tmp_path / "draws.py").write_text(DRAWS)
    run = subprocess.run([sys.executable, "draws.py", imports], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.stdout.strip() == same, run.stderr


def test_hypothesiss_private_hook_is_replaced_only_while_a_check_draws():
    from hypothesis.internal.conjecture import providers

    from autograder.grading.engine import NO_LOCAL_CONSTANTS, without_local_constants

    original = providers._get_local_constants
    with without_local_constants():
        with without_local_constants():
            assert providers._get_local_constants() is NO_LOCAL_CONSTANTS
        assert providers._get_local_constants() is NO_LOCAL_CONSTANTS
    assert providers._get_local_constants is original


def test_another_hypothesis_release_is_refused_rather_than_drawn_from(monkeypatch):
    import hypothesis

    from autograder.grading.engine import without_local_constants

    monkeypatch.setattr(hypothesis, "__version__", "9.9.9")
    with pytest.raises(RuntimeError, match="hypothesis 9.9.9 is installed"):
        with without_local_constants():
            pass
