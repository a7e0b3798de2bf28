"""The inverted_mask property kind (autograder/authoring/properties.py) and its verdict (autograder/core/verdicts/random_masks.py):
the verdict on its own, then in a course outside the repository whose masking function keeps each entry with
probability q, where the right function earns its points, each mistake loses them, and an input too small to
detect the stated error is an error of the declaration."""

import numpy as np
import pytest

from autograder.core.verdicts import VERDICTS, CheckFailure, Verdict
from autograder.core.verdicts.significance import samples_to_detect_rate

from conftest import ROOT, grade_toy, toy_course

X = np.full((100, 100), 1.5)
OPTIONS = {"rtol": 1e-9, "atol": 0.0, "false_failure_probability": 1e-6}


def reply(result):
    return {"ok": {"result": result, "args_after": [], "kwargs_after": {}}}


def masked(x, q, seed=0):
    return np.where(np.random.default_rng(seed).random(x.shape) < q, x / q, 0.0)


def test_the_verdict_is_registered_and_recordable():
    assert Verdict.from_data(Verdict("inverted_mask", **OPTIONS).to_data()).name == "inverted_mask"


@pytest.mark.parametrize("q", [0.3, 0.8, 1.0])
def test_a_mask_kept_at_rate_q_and_scaled_by_1_over_q_passes(q):
    VERDICTS["inverted_mask"].judge({"x": X, "keep_probability": q}, [reply(masked(X, q))], **OPTIONS)


@pytest.mark.parametrize("result, message", [
    (masked(X, 0.8) * 0.8, "out[0, 0]: 7979 of 10000 values are neither 0 (dropped) nor x / q (kept); at index "
                           "(0, 0), x = 1.5 and q = 0.8, so expected 0 or 1.875, got 1.5: the kept value was "
                           "multiplied by 1 instead of 1 / q = 1.25"),
    (masked(X, 0.2) * 0.2 / 0.8, "out was nonzero (kept) at 2049 of 10000 elements, a keep rate of 0.2049; each "
                                 "element must be kept with probability 0.8000 (binomial test p-value"),
    (masked(X, 0.8).astype(np.float32), "out: the values are right, but expected a float64 numpy array"),
    (masked(X, 0.8)[:50], "out: expected a float64 array of shape (100, 100)"),
])
def test_a_wrong_scale_rate_type_or_shape_fails_saying_which(result, message):
    with pytest.raises(CheckFailure) as failure:
        VERDICTS["inverted_mask"].judge({"x": X, "keep_probability": 0.8}, [reply(result)], **OPTIONS)
    assert failure.value.message.startswith(message), failure.value.message


def test_keep_probability_1_asks_for_x_itself():
    dropped = X.copy()
    dropped[0, 0] = 0.0
    with pytest.raises(CheckFailure, match=r"\(kept\) at 9999 of 10000 elements.*with probability 1.0000"):
        VERDICTS["inverted_mask"].judge({"x": X, "keep_probability": 1.0}, [reply(dropped)], **OPTIONS)


def test_the_pair_verdicts_still_name_the_drop_probability_p_where_the_expected_value_gives_it():
    """keep_rate and scaling share inverted_mask's judgement; given p, their messages speak of 1 - p."""
    x = np.full(1000, 1.5)
    out = np.where(np.random.default_rng(1).random(1000) < 0.3, x / 0.5, 0.0)
    with pytest.raises(CheckFailure) as failure:
        VERDICTS["keep_rate"].judge({"p": 0.25, "keep_probability": 0.75, "shape": [1000]}, [reply((out, out != 0))],
                              false_failure_probability=1e-9)
    assert failure.value.message == (
        "with p = 0.25, out was nonzero (kept) at 303 of 1000 elements, a keep rate of 0.3030; each element must "
        "be kept with probability 1 - p = 0.7500 (binomial test p-value 1.58e-191 < 1e-09). p is the probability "
        "of DROPPING an element")
    with pytest.raises(CheckFailure) as failure:
        VERDICTS["scaling"].judge({"p": 0.25, "x": x, "kept": x / 0.75}, [reply((out, out != 0))], rtol=1e-9, atol=0.0)
    assert failure.value.message == (
        "out[2]: 303 of 1000 values are neither 0 (dropped) nor x / (1 - p) (kept); at index (2,), x = 1.5 and "
        "p = 0.25, so expected 0 or 2.0, got 3.0: the kept value was multiplied by 2 instead of 1 / (1 - p) = 1.33333")


REFERENCE = '''
import numpy as np


def mask_forward(x, param):
    ### BEGIN SOLUTION
    if param["mode"] == "test":
        return x, None
    rng = np.random.default_rng(param["seed"])
    mask = rng.random(x.shape) < param["q"]
    return x * mask / param["q"], mask
    ### END SOLUTION
'''

CHECKS = '''
import numpy as np
from hypothesis import strategies as st
from autograder.authoring import Assignment, Problem, floats, inverted_mask

PARAM = st.fixed_dictionaries({"q": floats(0.2, 0.9), "mode": st.sampled_from(["train", "test"]),
                               "seed": st.integers(0, 2**31)})
ASSIGNMENT = Assignment(problems=[Problem("toy", "mask_forward", {
    "x": st.builds(np.full, st.just(SHAPE), floats(0.5, 2)), "param": PARAM}, [
    inverted_mask(lambda x, param: 1 if param["mode"] == "test" else param["q"], masked="x", select=0,
                  points=2)])])
'''

#: The side of the toy's square input: the fewest entries that detect a keep rate off by 0.025 at q = 1/2,
#: the hardest q, with the kind's default probabilities.
SIDE = int(np.ceil(np.sqrt(samples_to_detect_rate(0.5, 0.025, false_failure_probability=1e-6,
                                                  missed_detection_probability=1e-6))))

MISTAKES = {
    "keeps-with-1-minus-q": ("rng.random(x.shape) < param[\"q\"]", "rng.random(x.shape) < 1 - param[\"q\"]"),
    "not-rescaled": ("x * mask / param[\"q\"]", "x * mask"),
    "masks-in-test-mode": ("return x, None", "return x * (np.random.default_rng(0).random(x.shape) < 0.5), None"),
}


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return toy_course(tmp_path_factory.mktemp("mask-course"), reference=REFERENCE,
                      checks=CHECKS.replace("SHAPE", f"({SIDE}, {SIDE})"), max_examples=6)



def test_the_reference_earns_the_points(toy):
    result = grade_toy(toy, REFERENCE, "reference")
    assert [(check.id, check.status) for check in result.checks] == [("toy.mask_forward.inverted_mask", "passed")]


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_mistake_fails(toy, mistake):
    find, replace = MISTAKES[mistake]
    assert find in REFERENCE
    result = grade_toy(toy, REFERENCE.replace(find, replace), mistake)
    assert [check.status for check in result.checks] == ["failed"], [check.message[:200] for check in result.checks]


def test_an_input_too_small_to_detect_the_error_is_an_error_of_the_declaration(tmp_path):
    folder, config = toy_course(tmp_path, reference=REFERENCE, checks=CHECKS.replace("SHAPE", "(100, 100)"),
                                max_examples=3)
    (check,) = grade_toy((folder, config), REFERENCE, "reference").checks
    assert check.status != "passed" and "inverted_mask needs x of" in check.message, check.message


def test_the_cs231n_page_states_what_its_dropout_input_detects():
    """docs/cs231n draws p in [0.2, 0.9] and x of 220 x 220; its page states what the binomial test needs."""
    needed = max(samples_to_detect_rate(p, 0.025, false_failure_probability=1e-6, missed_detection_probability=1e-6)
                 for p in np.linspace(0.2, 0.9, 141))
    folder = ROOT / "docs" / "cs231n"
    checks, page = (folder / "checks.py").read_text(), (folder / "README.md").read_text()
    assert "st.just((220, 220))" in checks and "P = floats(0.2, 0.9)" in checks and needed <= 220 * 220
    assert (f"which {220 * 220:,} entries do at every p in [0.2, 0.9], where `samples_to_detect_rate` asks for at "
            f"most about {round(needed, -2):,}, near p = 1/2") in " ".join(page.split())
