"""The graded run asks questions the student kit does not answer.

The kit's ``expectations.bin`` holds every example it replays, with the expected
answers; the grader draws its examples of the same checks from another seed, the
course's secret (``hypothesis.seed``, or else the digest of the private sources). So
a submission that looks its answers up in the kit earns nothing, while a regrade with
the same config and sources asks exactly the same questions again.
"""

import numpy as np
import pytest

from autograder.core import wire
from autograder.exports.kit import build_kit
from autograder.exports.kit.selfcheck import recorded_calls, recorded_cases
from autograder.grading.config import load_config
from autograder.grading.engine import KIT_SALT
from autograder.grading.engine import example_seed
from autograder.grading.grade import configured_checks, grade_submission
from autograder.grading.oracle import Oracle

from conftest import ROOT, reduced_config

#: adam's families that judge its values: those an answer looked up in the kit would pass.
VALUE_FAMILIES = ("one_step", "trajectory", "hyperparameters", "convergence")

#: The key of one call ``adam(w, dw, state, **hyperparameters)`` in the attack's tables,
#: shared by the test (which builds the tables) and the submission (which looks them up).
LOOKUP_KEY = '''
def lookup_key(*arrays, hyperparameters=None):
    parts = [f"{np.shape(array)}:{np.asarray(array, dtype=np.float64).tobytes().hex()}" for array in arrays]
    if hyperparameters is not None:
        parts.append(repr(sorted((name, np.asarray(value).tolist()) for name, value in hyperparameters.items())))
    return "|".join(parts)
'''

#: An ``adam`` that computes nothing: it answers every call the kit recorded and stays put otherwise.
CHEATING_ADAM = '''
ANSWERS = {answers!r}
MINIMIZERS = {minimizers!r}
{lookup_key}

def adam(w, dw, state, **hyperparameters):
    del state
    found = ANSWERS.get(lookup_key(w, dw, hyperparameters=hyperparameters)) or MINIMIZERS.get(lookup_key(w))
    if found is None:
        return np.array(w, dtype=np.float64), {{}}
    shape, data = found
    return np.frombuffer(bytes.fromhex(data)).reshape(shape).copy(), {{}}
'''


def _lookup_key():
    namespace = {"np": np}
    exec(LOOKUP_KEY, namespace)  # noqa: S102 - the same source the submission runs
    return namespace["lookup_key"]


def _answer(array):
    array = np.asarray(array, dtype=np.float64)
    return [list(array.shape), array.tobytes().hex()]


def cheating_source(expectations):
    """The reference ``optimizers.py`` with an ``adam`` that looks up every answer of the kit's ``expectations``."""
    lookup_key = _lookup_key()
    answers, minimizers = {}, {}
    for check in expectations["checks"]:
        if check["function"] != "adam":
            continue
        calls = iter(recorded_calls(check))
        for case in recorded_cases(check):
            (request,) = [wire.decode(next(calls), max_bytes=1 << 32) for _ in range(case["calls"])]
            if request["driver"] == "call":  # one step: the expected value is [new_w]
                w, dw, _ = request["args"]
                answers[lookup_key(w, dw, hyperparameters=request["kwargs"])] = _answer(case["expected"][0])
            elif "quadratic" in request:  # convergence: jump to the kit's minimizer, then stay there
                minimizers[lookup_key(request["args"][0])] = _answer(request["quadratic"]["w_star"])
            else:  # a trajectory (a loop from w0 = args[0]): each iterate answers the call made at the one before
                w, [(_, gradients)] = request["args"][0], request["per_step"]
                for gradient, iterate in zip(gradients, case["expected"]):
                    answers[lookup_key(w, gradient, hyperparameters=request["kwargs"])] = _answer(iterate)
                    w = iterate
    attack = CHEATING_ADAM.format(answers=answers, minimizers=minimizers, lookup_key=LOOKUP_KEY)
    return (ROOT / "reference" / "optimization" / "optimizers.py").read_text() + "\n" + attack


def requests_of(cases):
    """The requests of recorded cases, as the wire's bytes (arrays compare by value)."""
    return [wire.encode(case.requests, max_bytes=1 << 30) for case in cases]


@pytest.fixture(scope="module")
def adam_config(tmp_path_factory):
    """adam's value families only, under the default seed (the course sets no ``hypothesis.seed``)."""
    folder = tmp_path_factory.mktemp("adam")
    return load_config(reduced_config(folder, {"optimizers": VALUE_FAMILIES}, functions={"adam"},
                                      hypothesis={"seed": None}))


@pytest.fixture(scope="module")
def kit(adam_config, tmp_path_factory):
    """The student kit's expectations of ``adam_config``, the oracle that recorded them, and its disk cache."""
    folder = tmp_path_factory.mktemp("kit")
    cache = folder / "cache.sqlite"
    oracle = Oracle(adam_config.reference, cache_path=cache, checks=adam_config.checks)
    build_kit(config=adam_config, out_dir=folder / "kit", oracle=oracle)
    expectations = wire.decode((folder / "kit" / "_selfcheck" / "expectations.bin").read_bytes(), max_bytes=1 << 32)
    return expectations, oracle, cache


def test_a_submission_that_looks_up_the_kit_earns_nothing(adam_config, kit, make_submission):
    """Even graded with the oracle that recorded the kit, or another on its disk cache: the
    cases are kept by seed, so the graded run never replays the kit's."""
    expectations, kit_oracle, cache = kit
    cheat = make_submission({"optimizers": cheating_source(expectations)})
    sharing_the_disk = Oracle(adam_config.reference, cache_path=cache, checks=adam_config.checks)
    result, regrade = (grade_submission(cheat, config=adam_config, oracle=oracle)
                       for oracle in (kit_oracle, sharing_the_disk))
    assert {check.family for check in result.checks} == set(VALUE_FAMILIES)
    earned = {check.id: check.score for check in result.checks if check.score}
    assert earned == {}, f"the kit's answers earned points: {earned}"
    assert regrade.without_timings() == result.without_timings()  # the same counterexamples


def test_the_graded_examples_differ_from_the_kits_and_a_regrade_repeats_them(adam_config, kit):
    _, kit_oracle, _ = kit
    graded = [Oracle(adam_config.reference) for _ in range(2)]
    result, regrade = (grade_submission(ROOT / "reference" / "optimization", config=adam_config, oracle=oracle) for oracle in graded)
    assert result.score == result.max_score
    assert regrade.without_timings() == result.without_timings()
    salt = adam_config.graded_salt
    for check in configured_checks(adam_config):
        max_examples = adam_config.max_examples_for(adam_config.assignment.family_of(check))
        kit_cases = kit_oracle.recorded_cases(check, max_examples, example_seed(KIT_SALT, check))
        first, second = (oracle.recorded_cases(check, max_examples, example_seed(salt, check)) for oracle in graded)
        assert requests_of(first) == requests_of(second), check.id
        # Hypothesis tries the simplest example (zeros) under every seed; the rest are drawn afresh.
        unseen = set(requests_of(first)) - set(requests_of(kit_cases))
        assert len(unseen) >= len(first) // 2, check.id


def _graded_requests(folder, seed):
    """The requests the graded run of adam's one_step sends under ``hypothesis.seed = seed``."""
    config = load_config(reduced_config(folder, {"optimizers": ("one_step",)}, functions={"adam"},
                                        family_max_examples=5, hypothesis={"seed": seed}))
    oracle = Oracle(config.reference)
    result = grade_submission(ROOT / "reference" / "optimization", config=config, oracle=oracle)
    assert result.score == result.max_score
    (check,) = configured_checks(config)
    return requests_of(oracle.recorded_cases(check, 5, example_seed(config.graded_salt, check)))


def test_the_configured_seed_decides_the_graded_examples(tmp_path):
    folders = [tmp_path / name for name in ("unset", "a", "a-again", "b")]
    for folder in folders:
        folder.mkdir()
    unset, a, a_again, b = (_graded_requests(folder, seed) for folder, seed in zip(folders, (None, "a", "a", "b")))
    assert a == a_again
    assert len({tuple(unset), tuple(a), tuple(b)}) == 3
