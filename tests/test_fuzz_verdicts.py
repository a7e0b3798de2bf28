"""Fuzzing every verdict: whatever values a student's code returns, a verdict passes
(returns None) or raises :class:`CheckFailure`, and nothing else; and every diagnostic: it
summarizes them, or says why it cannot, and never raises.

The registry is read generically, so a verdict added or renamed is fuzzed with no
change here. For each verdict, a check of a committed assignment (every
``grading_config.yml`` of the repository) that uses it provides real inputs:
an example, the expected value the oracle computes, and the requests. The requests run
in this process on the reference through the worker's own drivers, and cross the wire
as the grader would see them (:meth:`autograder.grading.oracle.Oracle.reply_as_sent`); Hypothesis then replaces what the student's code decides
(the result, the iterates and states, the arguments after the call, or the whole reply
by an exception) with values of the wire's domain: deep nesting, the extreme integers,
NaN and infinities, every numeric dtype, wrong shapes, odd strings.

What the worker's own driver code decides (the keys of its reply, the length of a
trajectory) is kept: a student who forges frames to change it is caught one level up,
where the grader turns any failure of a verdict into an error of that check.
"""

import subprocess

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.authoring.diagnostics import summary
from autograder.core import wire
from autograder.core.verdicts import VERDICTS, CheckFailure, Verdict
from autograder.core.verdicts.core import compare, describe, value_of
from autograder.grading.config import is_course_file, load_config
from autograder.grading.grade import configured_checks
from autograder.grading.oracle import Oracle

from conftest import ROOT

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=25,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
MAX = 1 << 26

odd_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
numeric_dtypes = st.sampled_from(["bool", "int8", "int64", "uint64", "float16", "float32", "float64", "longdouble",
                                  "complex64", "complex128"]).map(np.dtype)
arrays = st.tuples(numeric_dtypes, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)).flatmap(
    lambda spec: hnp.arrays(*spec))
extreme_numbers = st.sampled_from([0, -1, 2**63 - 1, -(2**63), 2**64 - 1, 2**53 + 1, 0.0, -0.0, 5e-324, 1.8e308,
                                   float("nan"), float("inf"), float("-inf"), True, False])
scalars = (st.none() | st.integers(-(2**63), 2**64 - 1) | st.floats() | extreme_numbers | odd_text
           | arrays.filter(lambda array: array.size).map(lambda array: array.flat[0]))
wire_values = st.recursive(scalars | arrays, lambda children: st.lists(children, max_size=3)
                           | st.tuples(children, children) | st.dictionaries(odd_text, children, max_size=3),
                           max_leaves=8)


def nested(value, depth):
    for _ in range(depth):
        value = [value]
    return value


def variants_of(real):
    """Values close to what the reference returned, which is where a verdict looks hardest."""
    if isinstance(real, np.ndarray):
        return st.sampled_from([real.reshape(-1), real[..., None], real.T, np.full(real.shape, np.nan),
                                np.full(real.shape, np.inf), np.full(real.shape, 1e308), real.astype(np.float16),
                                real.astype(np.complex128), np.zeros(real.shape, bool), real.reshape(-1)[:0], real.sum()]) | \
            numeric_dtypes.map(lambda dtype: np.zeros(real.shape, dtype))
    if isinstance(real, (list, tuple)):
        return st.sampled_from([type(real)(real[:-1]), type(real)([*real, *real]), list(real) if isinstance(real, tuple)
                                else tuple(real), type(real)(reversed(real)), type(real)()])
    if isinstance(real, dict):
        return st.sampled_from([{}, {**real, "extra": 1.0}, dict(list(real.items())[1:])])
    return st.nothing()


def hostile_values(real):
    return wire_values | variants_of(real) | st.integers(wire.MAX_DEPTH - 4, wire.MAX_DEPTH - 1).map(
        lambda depth: nested(real, depth))


def through_the_wire(reply):
    limits = {"max_bytes": MAX, "max_values": wire.MESSAGE_VALUES}
    return wire.decode(wire.encode(reply, **limits), **limits)


def student_positions(value, path=()):
    """Paths into a reply's value that the student's code decides: below the driver's own keys and lists."""
    if len(path) >= 2 or path == ("result",):
        yield path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else ()
    for key, child in children:
        yield from student_positions(child, (*path, key))


def replaced(value, path, new):
    if not path:
        return new
    key, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, key: replaced(value[key], rest, new)}
    items = list(value)
    items[key] = replaced(items[key], rest, new)
    return type(value)(items)


def at(value, path):
    for key in path:
        value = value[key]
    return value


@st.composite
def hostile_reply(draw, real):
    if "error" in real or draw(st.integers(0, 5)) == 0:
        error = {"type": draw(st.sampled_from(["ValueError", "TypeError", "SystemExit"]) | odd_text),
                 "bases": draw(st.lists(st.sampled_from(["ValueError", "Exception"]) | odd_text, max_size=3)),
                 "message": draw(odd_text), "traceback": draw(odd_text)}
        return {"error": error}
    value = real["ok"]
    positions = list(student_positions(value))
    for _ in range(draw(st.integers(1, 3)) if positions else 0):
        path = draw(st.sampled_from(positions))
        value = replaced(value, path, draw(hostile_values(at(value, path))))
        positions = list(student_positions(value))
    try:
        return through_the_wire({"ok": value})
    except wire.WireError:  # nested past the limit: the worker would have refused to send it
        assume(False)


@pytest.fixture(scope="module")
def committed_assignments():
    """The config and an oracle of every committed assignment (every ``grading_config.yml`` but course files)."""
    paths = subprocess.run(["git", "ls-files", "grading_config.yml", "*/grading_config.yml"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    configs = [load_config(ROOT / path) for path in paths if not is_course_file(ROOT / path)]
    return [(config, Oracle(config.reference, files=config.files)) for config in configs]


@pytest.fixture(scope="module")
def committed_checks(committed_assignments):
    """Every check of every committed assignment, with its config and oracle."""
    return [(check, config, oracle) for config, oracle in committed_assignments for check in configured_checks(config)]


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::numpy.exceptions.ComplexWarning",
                            "ignore:Generating overly large repr")  # of a 2000-step trajectory
@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_a_verdict_passes_or_fails_a_check_and_nothing_else(name, committed_checks):
    candidates = [found for found in committed_checks
                  if isinstance(found[0].verdict, Verdict) and found[0].verdict.name == name]
    assert candidates, f"no committed assignment's check uses the verdict {name!r}, so it cannot be fuzzed"

    @FUZZ
    @given(st.data())
    def verdict_survives(data):
        check, config, oracle = data.draw(st.sampled_from(candidates), label="check")
        example = data.draw(check.examples, label="example")
        expected = oracle.expected(check, example)
        replies = [oracle.reply_as_sent(request) for request in check.requests(example)]
        for index in data.draw(st.sets(st.sampled_from(range(len(replies))), min_size=1, max_size=2), label="hostile"):
            replies[index] = data.draw(hostile_reply(replies[index]), label=f"reply {index}")
        verdict = check.verdict_for(config.tolerances_for(config.assignment.family_of(check)))
        try:
            verdict(expected, replies)
        except CheckFailure:
            pass

    verdict_survives()


grader_values = st.recursive(st.floats() | st.integers(-10, 10) | arrays | st.text(max_size=3),
                             lambda children: st.lists(children, max_size=3) | st.tuples(children, children)
                             | st.dictionaries(st.text(max_size=3), children, max_size=3), max_leaves=6)
huge_numbers = st.sampled_from([10**400, -(10**400), 10**5000, 2**1024, 1e308, 1j, np.complex128(1j)])


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::numpy.exceptions.ComplexWarning")
@FUZZ
@given(grader_values, wire_values | huge_numbers | st.lists(huge_numbers, max_size=2))
def test_compare_and_describe_take_any_value(expected, got):
    """Even values past the wire's domain (an int of 5000 digits): compare is the verdicts' common core."""
    assert len(describe(got)) <= 200
    try:
        compare(expected, got, rtol=1e-7, atol=1e-10)
    except CheckFailure as failure:
        assert failure.message


@pytest.mark.parametrize("name, expected", [
    ("scaling", {"kept": np.full((2,), 2.0), "x": np.ones(2), "p": 0.5}),
    ("mask_consistency", {"shape": (2,)}),
])
@pytest.mark.parametrize("ragged", [((None, []), None), ([[1.0], [1.0, 2.0]], [True, True]), ("ab", "cd")])
def test_the_mask_verdicts_fail_a_ragged_pair_found_by_fuzzing(name, expected, ragged):
    tolerances = {"rtol": 1e-7, "atol": 1e-10} if name == "scaling" else {}
    with pytest.raises(CheckFailure, match="expected"):
        VERDICTS[name].judge(expected, [{"ok": {"result": ragged}}], **tolerances)


@pytest.fixture(scope="module")
def committed_diagnostics(committed_assignments):
    """Every diagnostic of every committed assignment, with its oracle and the reference's replies to its calls."""
    return [(diagnostic, oracle, [oracle.reply_as_sent(request) for request in diagnostic.requests])
            for config, oracle in committed_assignments for diagnostic in config.assignment.diagnostics]


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::numpy.exceptions.ComplexWarning")
def test_a_diagnostic_summarizes_or_says_why_and_never_raises(committed_diagnostics):
    """A course's own summary (tests/data's ``row_sums`` reads ``.tolist()`` of what it sums) raised
    AttributeError on a None, which ended the student's whole grade; now it costs that plot."""
    for diagnostic, oracle, real in committed_diagnostics:
        assert "error" not in summary(diagnostic, [value_of(reply) for reply in real], oracle), diagnostic.key
    row_sums, oracle, _ = next(found for found in committed_diagnostics if found[0].key == "softmax.softmax.row_sums")
    assert summary(row_sums, [{"result": None}], oracle) == {
        "error": "the returned value cannot be read: AttributeError: 'NoneType' object has no attribute 'tolist'"}

    @FUZZ
    @given(st.data())
    def diagnostic_survives(data):
        diagnostic, oracle, real = data.draw(st.sampled_from(committed_diagnostics), label="diagnostic")
        replies = list(real)
        for index in data.draw(st.sets(st.sampled_from(range(len(replies))), min_size=1, max_size=2), label="hostile"):
            replies[index] = data.draw(hostile_reply(replies[index]), label=f"reply {index}")
        try:
            values = [value_of(reply) for reply in replies]
        except CheckFailure:
            return  # the student's code raised: run_diagnostics says so before any summary
        found = summary(diagnostic, values, oracle)
        assert isinstance(found, dict)
        assert "error" not in found or found["error"].startswith("the returned value cannot be read: "), found

    diagnostic_survives()
