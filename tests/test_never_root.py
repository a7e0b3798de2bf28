"""Student code never runs as root: below bubblewrap, where no unprivileged uid can run this Python, grading is refused."""

import dataclasses
import os

import pytest

from autograder.grading.grade import GradingError, grade_submission, sandbox_settings
from autograder.sandbox import launcher
from autograder.sandbox.session import WorkerSession

from conftest import ROOT


def without_bubblewrap(config, **isolation):
    return config.model_copy(update={"isolation": config.isolation.model_copy(
        update={"bubblewrap": False, **isolation})})


def refused():
    try:
        launcher.choose_isolation(use_bubblewrap=False)
    except launcher.IsolationRefused:
        return True
    return False


def test_without_bubblewrap_grading_runs_as_a_sandbox_uid_or_is_refused_with_how_to_fix_it(tmp_path, config, oracle):
    (tmp_path / "optimizers.py").write_text((ROOT / "reference" / "optimization" / "optimizers.py").read_text() + """

def sgd(w, dw, state, **hyperparameters):
    import os
    raise RuntimeError(f"uid {os.getuid()}")
""")
    if not refused():
        result = grade_submission(tmp_path, config=without_bubblewrap(config), oracle=oracle, functions={"sgd"})
        assert result.isolation["unprivileged_user"]
        assert all("uid 0" not in check.message for check in result.checks)
        return
    assert os.geteuid() == 0
    with pytest.raises(GradingError) as refusal:
        grade_submission(tmp_path, config=without_bubblewrap(config), oracle=oracle, functions={"sgd"})
    for advice in ("refusing to run student code as root", "not readable by other users", "install bubblewrap",
                   "isolation.allow_grader_uid"):
        assert advice in str(refusal.value).lower()


@pytest.mark.skipif(not refused(), reason="an unprivileged uid runs this Python: nothing to opt into")
def test_the_opt_in_to_the_graders_uid_is_said_in_every_result(tmp_path, config):
    settings = dataclasses.replace(sandbox_settings(config), use_bubblewrap=False, allow_grader_uid=True)
    with WorkerSession(tmp_path, settings) as session:
        assert not session.isolation.unprivileged_user
        assert any("student code ran as root" in note for note in session.notes)
