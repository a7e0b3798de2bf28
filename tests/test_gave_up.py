"""A submission that gives up earns only what is really right: form properties of wrong values pay nothing.

Every function of the flagship returns its input, zeros, ones or ``{}``, with the right
types. Before value families gated form families (``Family.requires``) this "gave up"
submission scored 65 of 400 (optimizers' purity and shapes, dropout's independence and
mask consistency, batch norm's purity); now it earns only the 16 points it deserves:
dropout's identity in evaluation (12) and batch norm's empty batch (4).
"""

import re

import pytest

from autograder.grading.grade import grade_submission

from conftest import ROOT

pytestmark = pytest.mark.slow

#: module -> function -> the body that gives up.
GAVE_UP = {
    "optimizers": {name: "return np.asarray(w, dtype=np.float64).copy(), {}"
                   for name in ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw")},
    "initializers": {"calculate_fan_in_and_fan_out": "return 1, 1", "calculate_gain": "return 1.0",
                     **{name: "return np.zeros(shape)" for name in (
                         "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal",
                         "sparse")}},
    "batchnorm": {"batchnorm_forward": "return np.array(x, dtype=np.float64), np.array(running_mean, dtype=float), "
                                       "np.array(running_var, dtype=float)",
                  "batchnorm_backward": "return np.array(dout, dtype=np.float64), np.zeros(np.shape(x)[1]), "
                                        "np.zeros(np.shape(x)[1])"},
    "dropout": {"dropout_forward": "return np.array(x, dtype=np.float64), np.ones(np.shape(x), dtype=bool)",
                "dropout_backward": "return np.array(dout, dtype=np.float64)"},
}


def gave_up(module):
    stub = (ROOT / "assignments" / "optimization" / f"{module}.py").read_text()
    bodies = GAVE_UP[module]
    return re.sub(r'raise NotImplementedError\("\w+\.(\w+): not implemented yet \(see the docstring\)"\)',
                  lambda match: bodies[match.group(1)], stub)


def test_a_submission_that_gives_up_earns_only_what_is_really_right(make_submission, config, oracle):
    folder = make_submission({module: gave_up(module) for module in GAVE_UP})
    result = grade_submission(folder, config=config, oracle=oracle)
    earned = {check.id: check.score for check in result.checks if check.score > 0}
    assert result.score == 16, earned
    assert {check_id.rsplit(".", 1)[1] for check_id in earned} == {"identity", "empty_batch"}
    withheld = [check for check in result.checks if check.withheld_by]
    assert {check.family for check in withheld} >= {"purity", "shapes", "independence", "mask_consistency"}
    assert all(check.status == "withheld" and check.score == 0 and "pays only where" in check.message
               for check in withheld)
