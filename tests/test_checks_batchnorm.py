"""The batchnorm checks: their verdicts on hand-made replies, their scale-aware tolerance
(wide enough for every correct evaluation order, PyTorch's and one-pass variance
included, on the graded inputs), and fairness between the forward and backward passes."""

import types

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference.optimization.checks import batchnorm as batchnorm_checks
from autograder.core import wire
from autograder.core.values import worst_index
from autograder.grading.grade import grade_submission
from reference.optimization.checks.strategies import batchnorm as strategies
from autograder.core.verdicts import CheckFailure

from conftest import ROOT
from autograder.core.verdicts import scaled_outputs as verdicts
from autograder.core.verdicts.core import compare

from reference.optimization.catalog import batchnorm as catalog
from conftest import ROOT, points_worth

TOLERANCES = {"rtol": 1e-7, "atol": 1e-300}
HYPOTHESIS = settings(derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
#: Examples per (check, implementation) of the accuracy test below.
ACCURACY_EXAMPLES = 40
#: Correct implementations must use less than this share of the allowed error.
ACCURACY_MARGIN = 1e-2


def reply(*outputs):
    return {"ok": {"result": tuple(outputs), "args_after": [], "kwargs_after": {}}}


def graded(value, scale, rounding=0.0, name="out", count=3):
    names = ["out", "new_running_mean", "new_running_var"][:count]
    return {"names": names, "source": "the oracle",
            "outputs": [{"name": name, "index": names.index(name), "value": value, "scale": scale,
                         "rounding": rounding}]}


class Reference:
    """An oracle stand-in that serves the reference modules, as the grader's does."""

    def __init__(self):
        import importlib.util
        path = ROOT / "reference" / "optimization" / "batchnorm.py"
        spec = importlib.util.spec_from_file_location("_test_reference_batchnorm", path)
        self.module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.module)

    def reference(self, module_name):
        assert module_name == "batchnorm"
        return self.module


ORACLE = Reference()


# outputs_within_scale

def test_outputs_within_scale_allows_rtol_times_the_scale_plus_the_rounding_allowance():
    value = np.array([[0.0, 1.0]])
    scale, rounding = np.array([[10.0, 1.0]]), np.array([[1e-9, 0.0]])
    within = value + np.array([[1e-6 + 1e-9, 1e-7]]) * 0.99
    verdicts.outputs_within_scale.judge(graded(value, scale, rounding), [reply(within, None, None)], **TOLERANCES)
    beyond = value + np.array([[1e-6 + 1e-9, 0.0]]) * 1.01
    with pytest.raises(CheckFailure):
        verdicts.outputs_within_scale.judge(graded(value, scale, rounding), [reply(beyond, None, None)], **TOLERANCES)


def test_outputs_within_scale_names_the_worst_value_and_the_oracle():
    value = np.zeros((2, 3))
    got = value.copy()
    got[1, 2], got[0, 0] = 0.5, 1e-3
    with pytest.raises(CheckFailure) as failure:
        verdicts.outputs_within_scale.judge(graded(value, 1.0), [reply(got, None, None)], **TOLERANCES)
    assert failure.value.location == "out[1, 2]"
    assert failure.value.message.startswith(
        "out: 2 of 6 values are off; the largest error is at index (1, 2): expected 0.0 (the oracle), got 0.5;")
    assert worst_index(failure.value.message) == (1, 2)


def test_outputs_within_scale_grades_only_the_listed_output():
    expected = graded(np.array([2.0]), 1.0, name="new_running_mean")
    verdicts.outputs_within_scale.judge(expected, [reply("anything", np.array([2.0]), None)], **TOLERANCES)


@pytest.mark.parametrize("result, message", [
    (np.zeros((2, 3)), "expected a tuple of 3 arrays (out, new_running_mean, new_running_var), got an array"),
    ((np.zeros((2, 3)), np.zeros(3)), "expected a tuple of 3 arrays"),
    ((np.zeros((3, 2)), None, None), "out: expected shape (2, 3), got shape (3, 2)"),
    ((np.zeros((2, 3), dtype=np.float32), None, None), "out: expected dtype float64, got float32"),
    (([[0.0] * 3] * 2, None, None), "out: expected a numpy array of shape (2, 3), got a list"),
    ((np.full((2, 3), np.nan), None, None), "got nan"),
], ids=["array", "pair", "shape", "float32", "list", "nan"])
def test_outputs_within_scale_rejects_malformed_results(result, message):
    reply_ = {"ok": {"result": result, "args_after": [], "kwargs_after": {}}}
    with pytest.raises(CheckFailure) as failure:
        verdicts.outputs_within_scale.judge(graded(np.zeros((2, 3)), 1.0), [reply_], **TOLERANCES)
    assert message in failure.value.message


def test_a_student_exception_is_an_error_not_a_wrong_answer():
    error = {"error": {"type": "ZeroDivisionError", "bases": ["ZeroDivisionError"], "message": "boom",
                       "traceback": ""}}
    with pytest.raises(CheckFailure) as failure:
        verdicts.outputs_within_scale.judge(graded(np.zeros(3), 1.0), [error], **TOLERANCES)
    assert failure.value.status == "error" and "ZeroDivisionError: boom" in failure.value.message


# channel_statistics

def statistics_case(ddof=0, shift=0.0):
    """x with 2 channels, normalized with the given ddof; out and the expected statistics."""
    rng = np.random.default_rng(3)
    x = rng.normal(2.0, 3.0, (6, 2, 2, 2))
    gamma, beta, eps = np.array([2.0, -0.5]), np.array([1.0, -4.0]), 1e-5
    axes = (0, 2, 3)
    var = x.var(axis=axes)
    sigma = np.sqrt(x.var(axis=axes, ddof=ddof) + eps).reshape(1, 2, 1, 1)
    out = gamma.reshape(1, 2, 1, 1) * (x - x.mean(axis=axes).reshape(1, 2, 1, 1)) / sigma + beta.reshape(1, 2, 1, 1)
    expected = {"mean": beta, "std": np.abs(gamma) * np.sqrt(var / (var + eps)), "scale": np.full(2, 10.0),
                "rounding": np.zeros(2)}
    return expected, out + shift


def test_channel_statistics_accepts_a_correct_output():
    expected, out = statistics_case()
    verdicts.channel_statistics.judge(expected, [reply(out, None, None)], **TOLERANCES)


def test_channel_statistics_rejects_normalizing_with_the_unbiased_variance():
    expected, out = statistics_case(ddof=1)
    with pytest.raises(CheckFailure, match=r"channel \d of out has standard deviation"):
        verdicts.channel_statistics.judge(expected, [reply(out, None, None)], **TOLERANCES)


def test_channel_statistics_rejects_a_shifted_mean():
    expected, out = statistics_case(shift=1e-3)
    with pytest.raises(CheckFailure, match=r"channel \d of out has mean .*expected beta\[c\]"):
        verdicts.channel_statistics.judge(expected, [reply(out, None, None)], **TOLERANCES)


def test_channel_statistics_rejects_an_output_without_the_channels():
    expected, out = statistics_case()
    with pytest.raises(CheckFailure, match="expected an array of 2 channels along axis 1"):
        verdicts.channel_statistics.judge(expected, [reply(out.reshape(-1), None, None)], **TOLERANCES)


# The scale-aware tolerance

def test_pytorchs_rounding_fails_a_plain_tolerance_but_not_the_scale_aware_one():
    """A constant channel far from 0 with eps = 1e-5: the exact output is beta, which the
    reference computes exactly, while PyTorch's x * a + (beta - mean * a) cancels terms
    of size ~|gamma| * |x| / sqrt(eps), and rounds accordingly."""
    x = np.concatenate([np.full((4, 1), -7680.0), np.arange(4.0).reshape(4, 1)], axis=1)
    arguments = {"x": x, "gamma": np.array([475.7, 1.0]), "beta": np.zeros(2), "running_mean": np.zeros(2),
                 "running_var": np.ones(2), "training": True, "momentum": 0.1, "eps": 1e-5}
    ours = ORACLE.module.batchnorm_forward(**arguments)[0]
    torch_out = batchnorm_checks.torch_forward(arguments)[0]
    with pytest.raises(CheckFailure):
        compare(torch_out, ours, rtol=1e-7, atol=1e-10)
    expected = batchnorm_checks._torch_forward_outputs((0,))(arguments, ORACLE)
    verdicts.outputs_within_scale.judge(expected, [reply(ours, None, None)], **TOLERANCES)


def implementations(function):
    """The reference and every correct variant of ``function``, loaded in-process."""
    loaded = {"reference": ORACLE.module}
    for variant in catalog.VARIANTS:
        if variant.function == function:
            module = types.ModuleType(variant.name)
            exec(compile(variant.source(ROOT / "reference" / "optimization"), variant.name, "exec"), module.__dict__)
            loaded[variant.name] = module
    return loaded


def tightened(expected, factor):
    """``expected`` with every rounding allowance multiplied by ``factor``."""
    if "outputs" in expected:
        return {**expected, "outputs": [{**output, "rounding": np.asarray(output["rounding"]) * factor}
                                        for output in expected["outputs"]]}
    return {**expected, "rounding": np.asarray(expected["rounding"]) * factor}


NUMERIC_CHECKS = [check for check in batchnorm_checks.checks()
                  if check.family not in ("purity", "invalid_arguments", "empty_batch")]


@pytest.mark.parametrize("check", NUMERIC_CHECKS, ids=lambda check: check.id)
def test_correct_implementations_use_under_a_hundredth_of_the_allowed_error(check, config):
    """Every correct implementation of the catalog (one-pass variance, the chain rule through
    the graph, channel loops...) passes each numeric check with a tolerance 100 times tighter
    than the configured one, on the check's own examples: the tolerance leaves room."""
    tolerances = config.tolerances_for(config.assignment.family_of(check))
    candidates = implementations(check.function)

    @settings(HYPOTHESIS, max_examples=ACCURACY_EXAMPLES)
    @given(check.examples)
    def accurate(example):
        expected = tightened(check.expected(example, ORACLE), ACCURACY_MARGIN)
        (request,) = check.requests(example)
        for name, module in candidates.items():
            result = getattr(module, check.function)(*request["args"], **request["kwargs"])
            try:
                check.verdict_for(tolerances.model_copy(update={"rtol": tolerances.rtol * ACCURACY_MARGIN}))(
                    expected, [reply(*result)])
            except CheckFailure as failure:
                raise AssertionError(f"{name}: {failure.message}") from None

    accurate()


def test_one_pass_variance_fails_on_extreme_cancellation_which_no_family_grades():
    """Why the graded inputs are well-conditioned: with offset 1e8 and spread 1,
    mean(x**2) - mean(x)**2 loses every digit, and the check would reject a correct formula."""
    one_pass = implementations("batchnorm_forward")["batchnorm-forward-one-pass-variance"]
    rng = np.random.default_rng(0)
    arguments = {"x": 1e8 + rng.standard_normal((16, 2)), "gamma": np.ones(2), "beta": np.zeros(2),
                 "running_mean": np.zeros(2), "running_var": np.ones(2), "training": True, "momentum": 0.1,
                 "eps": 1e-5}
    expected = batchnorm_checks._torch_forward_outputs((0,))(arguments, ORACLE)
    with pytest.raises(CheckFailure):
        verdicts.outputs_within_scale.judge(expected, [reply(*one_pass.batchnorm_forward(**arguments))], **TOLERANCES)


@settings(HYPOTHESIS, max_examples=100)
@given(x=strategies.batchnorm_shapes().flatmap(strategies.well_conditioned_inputs))
def test_well_conditioned_inputs_keep_their_condition_bound(x):
    axes = (0, *range(2, x.ndim))
    std, largest = x.std(axis=axes), np.abs(x).max(axis=axes)
    assert np.all((std == 0) | (largest <= strategies.MAX_CONDITION * std))


def test_numerical_gradients_agree_with_autograd_to_a_hundredth_of_the_tolerance(config):
    """The gradient check's expected values are accurate: central differences of the reference
    forward agree with torch autograd far inside the gradient_check tolerance."""
    rtol = config.tolerances_for(config.assignment.family("batchnorm", "batchnorm_backward", "gradient_check")).rtol

    @settings(HYPOTHESIS, max_examples=20)
    @given(strategies.gradient_check_arguments())
    def agree(arguments):
        numerical = batchnorm_checks.numerical_gradients(arguments, ORACLE)
        scales = batchnorm_checks.backward_scales(arguments)
        for name, autograd, numeric in zip(batchnorm_checks.BACKWARD_OUTPUTS,
                                           batchnorm_checks.torch_backward(arguments), numerical):
            scale, rounding = scales[name]
            assert np.all(np.abs(numeric - autograd) <= ACCURACY_MARGIN * (rtol * scale + rounding)), name

    agree()


@pytest.mark.parametrize("check", batchnorm_checks.checks(), ids=lambda check: check.id)
def test_examples_requests_and_expected_values_cross_the_wire(check):
    """Expected values are cached and shipped in the self-check kit in the wire format."""
    @settings(HYPOTHESIS, max_examples=3)
    @given(check.examples)
    def encodable(example):
        wire.encode([example, check.requests(example), check.expected(example, ORACLE)], max_bytes=1 << 26)

    encodable()


def test_the_part_has_100_points(config):
    assert points_worth(config.assignment, "batchnorm") == pytest.approx(100, abs=1e-9)


# Fairness between the forward and backward passes

def test_a_wrong_forward_costs_no_backward_points(make_submission, config, oracle):
    """The backward checks call only the student's backward and take their expected values
    from torch and the reference: with a forward that returns garbage, backward earns full marks."""
    backward_checks = [check for check in batchnorm_checks.checks() if check.function == "batchnorm_backward"]
    example = {"dout": np.ones((2, 1)), "x": np.array([[0.0], [1.0]]), "gamma": np.ones(1), "eps": 1e-5}
    for check in backward_checks:
        requests = check.requests({"arguments": example} if check.family == "invalid_arguments" else example)
        assert {request["function"] for request in requests} == {"batchnorm_backward"}, check.id
    source = (ROOT / "reference" / "optimization" / "batchnorm.py").read_text() + (
        "\n\ndef batchnorm_forward(x, gamma, beta, running_mean, running_var, *, training, momentum=0.1, eps=1e-5):\n"
        "    return np.zeros_like(x), np.zeros_like(running_mean), np.zeros_like(running_var)\n")
    result = grade_submission(make_submission({"batchnorm": source}), config=config, oracle=oracle,
                              functions={"batchnorm_backward"})
    assert [check.id for check in result.checks if check.status != "passed"] == []
    assert result.score == result.max_score > 0


# The edge cases run before Hypothesis draws: torch's verdict on each


VALIDATION_CHECKS = [check for check in batchnorm_checks.checks() if check.family == "invalid_arguments"]
EDGE_CASES = [(check.function, case) for check in VALIDATION_CHECKS for case in check.edge_cases]


@pytest.mark.parametrize(("function", "case"), EDGE_CASES,
                         ids=[f"{function}-{case.get('accepted') or case['reason'][-60:]}" for function, case in EDGE_CASES])
def test_every_validation_edge_case_is_torchs(function, case):
    arguments = case["arguments"]
    ours = getattr(ORACLE.module, function)
    theirs = batchnorm_checks.torch_forward if function == "batchnorm_forward" else batchnorm_checks.torch_backward
    if "accepted" in case:
        theirs(arguments)
        ours(**arguments)
    else:
        with pytest.raises((ValueError, RuntimeError)):
            theirs(arguments)
        with pytest.raises(ValueError):
            ours(**arguments)


EMPTY_BATCH = {"x": np.zeros((0, 2, 3)), "gamma": np.ones(2), "beta": np.zeros(2),
               "running_mean": np.array([0.5, -1.0]), "running_var": np.array([2.0, 0.25]),
               "training": True, "momentum": 0.1, "eps": 1e-5}


def test_an_empty_batch_is_graded_against_torchs_unchanged_running_statistics_and_zero_gradients():
    forward, backward = (next(check for check in batchnorm_checks.checks()
                              if check.family == "empty_batch" and check.function == function)
                         for function in ("batchnorm_forward", "batchnorm_backward"))
    expected = forward.expected(EMPTY_BATCH, ORACLE)
    assert [output["name"] for output in expected["outputs"]] == ["out", "new_running_mean", "new_running_var"]
    np.testing.assert_array_equal(expected["outputs"][1]["value"], EMPTY_BATCH["running_mean"])
    np.testing.assert_array_equal(expected["outputs"][2]["value"], EMPTY_BATCH["running_var"])
    verdicts.outputs_within_scale.judge(expected, [reply(*ORACLE.module.batchnorm_forward(**EMPTY_BATCH))], **TOLERANCES)
    nan_statistics = reply(np.zeros((0, 2, 3)), np.full(2, np.nan), np.full(2, np.nan))
    with pytest.raises(CheckFailure, match="new_running_mean: 2 of 2 values are off"):
        verdicts.outputs_within_scale.judge(expected, [nan_statistics], **TOLERANCES)
    arguments = {"dout": np.zeros((0, 2, 3)), "x": EMPTY_BATCH["x"], "gamma": np.ones(2), "eps": 1e-5}
    gradients = backward.expected(arguments, ORACLE)
    verdicts.outputs_within_scale.judge(gradients, [reply(*ORACLE.module.batchnorm_backward(**arguments))], **TOLERANCES)


@settings(max_examples=150, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(VALIDATION_CHECKS).flatmap(lambda check: check.examples.map(lambda e: (check.function, e))))
def test_a_message_said_to_be_torchs_is_what_torch_raises(case):
    """Every reason that quotes torch quotes what F.batch_norm 2.13 raises for the same arguments;
    the others say they are this assignment's contract."""
    function, example = case
    reason = example["reason"]
    if "(torch says: " not in reason:
        assert "this assignment's contract" in reason
        return
    quoted = reason.split("(torch says: ", 1)[1][1:-2]
    theirs = batchnorm_checks.torch_forward if function == "batchnorm_forward" else batchnorm_checks.torch_backward
    with pytest.raises(ValueError) as raised:
        theirs({"training": True, "momentum": 0.1, "eps": 1e-5, **example["arguments"]})
    assert str(raised.value).startswith(quoted), (quoted, str(raised.value))


def test_the_edge_cases_quote_torch_only_where_torch_says_it():
    for check in VALIDATION_CHECKS:
        for case in check.edge_cases:
            if "gamma should have shape" in case.get("reason", "") or "dout should" in case.get("reason", ""):
                assert "this assignment's contract" in case["reason"]
