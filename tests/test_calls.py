"""Calls as data that cover real course APIs (issue #27): CS231n's assignment 2 and a plain-function
Adam, declared in the short form on the public API only, each graded on a right and a wrong
implementation. The declarations are kept short: the tests count their lines."""

import numpy as np
import pytest

from autograder.authoring import CheckFailure, compare
from autograder.core import drivers
from autograder.core import requests
from autograder.grading.grade import grade_submission

from conftest import grade_toy, toy_course

REFERENCE = '''
import numpy as np


class Cache:
    """Not plain data: a cache that crossed the wire would fail to encode."""

    def __init__(self, xhat, gamma, var, eps):
        self.xhat, self.gamma, self.var, self.eps = xhat, gamma, var, eps


def batchnorm_forward(x, gamma, beta, bn_param):
    ### BEGIN SOLUTION
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    mean, var = x.mean(axis=0), x.var(axis=0)
    xhat = (x - mean) / np.sqrt(var + eps)
    bn_param["running_mean"] = momentum * bn_param["running_mean"] + (1 - momentum) * mean
    bn_param["running_var"] = momentum * bn_param["running_var"] + (1 - momentum) * var
    return gamma * xhat + beta, Cache(xhat, gamma, var, eps)
    ### END SOLUTION


def batchnorm_backward(dout, cache):
    ### BEGIN SOLUTION
    dxhat = dout * cache.gamma
    dx = (dxhat - dxhat.mean(axis=0) - cache.xhat * (dxhat * cache.xhat).mean(axis=0)) / np.sqrt(cache.var + cache.eps)
    return dx, (dout * cache.xhat).sum(axis=0), dout.sum(axis=0)
    ### END SOLUTION


def adam(w, dw, config=None):
    ### BEGIN SOLUTION
    config = {} if config is None else config
    for key, default in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8)):
        config.setdefault(key, default)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config["t"] = config.get("t", 0) + 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw**2
    mhat = config["m"] / (1 - config["beta1"] ** config["t"])
    vhat = config["v"] / (1 - config["beta2"] ** config["t"])
    return w - config["learning_rate"] * mhat / (np.sqrt(vhat) + config["epsilon"]), config
    ### END SOLUTION


def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
    ### BEGIN SOLUTION
    v = beta1 * v + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad**2
    v_hat, s_hat = v / (1 - beta1**t), s / (1 - beta2**t)
    return var - alpha * v_hat / (np.sqrt(s_hat) + epsilon), v, s
    ### END SOLUTION
'''

#: The checks file. Each graded function's declaration sits between ``# <function>`` and ``# end``, and so
#: do the strategies that several share (``# batchnorm inputs``, ``# steps``).
CHECKS = '''
import numpy as np
from hypothesis import strategies as st
from autograder.authoring import (Assignment, Problem, equals_reference, finite_arrays, floats, invoke, repeat,
                                  result_of, shapes)

# batchnorm inputs
BATCH = st.shared(st.tuples(st.integers(2, 6), st.integers(1, 4)), key="batch")
CHANNELS = BATCH.map(lambda shape: (shape[1],))
BN = {"x": BATCH.flatmap(lambda shape: finite_arrays(shape, magnitude=10.0)),
      "gamma": CHANNELS.flatmap(finite_arrays), "beta": CHANNELS.flatmap(finite_arrays),
      "bn_param": st.fixed_dictionaries({"mode": st.just("train"), "eps": floats(1e-3, 0.1),
                                         "momentum": floats(0.0, 1.0),
                                         "running_mean": CHANNELS.flatmap(finite_arrays),
                                         "running_var": CHANNELS.flatmap(finite_arrays)})}
# end
# steps
W = st.shared(shapes(max_dims=2), key="w")
GRADIENT = W.flatmap(lambda shape: finite_arrays(shape, magnitude=10.0))
# end

PROBLEMS = [
    # batchnorm_forward
    Problem("toy", "batchnorm_forward", BN, [
        equals_reference(select=0, points=3),
        equals_reference(argument="bn_param", keys=["running_mean", "running_var"], points=2,
                         family="running_averages")]),
    # end
    # batchnorm_backward
    Problem("toy", "batchnorm_backward", {**BN, "dout": BATCH.flatmap(finite_arrays)}, [
        equals_reference(points=4)],
        calls=[invoke("batchnorm_forward", "x", "gamma", "beta", "bn_param"),
               invoke("batchnorm_backward", "dout", result_of(0, [1]))]),
    # end
    # adam
    Problem("toy", "adam", {"w": W.flatmap(finite_arrays), "dw": GRADIENT, "config": st.fixed_dictionaries({
        "learning_rate": floats(1e-4, 0.1), "beta1": floats(0.0, 0.99), "beta2": floats(0.9, 0.9999),
        "epsilon": floats(1e-8, 1e-4)})}, [
        equals_reference(points=3),
        equals_reference(select=1, keys=["m", "v", "t"], points=1, family="moments")],
        calls=repeat(invoke("adam", "w", "dw", "config"), threads={"w": 0, "config": 1}, per_step="dw")),
    # end
    # update_variables_Adam
    Problem("toy", "update_variables_Adam", {
        "alpha": floats(1e-4, 0.1), "beta1": floats(0.0, 0.99), "beta2": floats(0.9, 0.9999),
        "epsilon": floats(1e-8, 1e-4), "var": W.flatmap(finite_arrays), "grad": GRADIENT,
        "v": W.map(np.zeros), "s": W.map(np.zeros)}, [equals_reference(points=4)],
        calls=repeat(invoke("update_variables_Adam", "alpha", "beta1", "beta2", "epsilon", "var", "grad", "v",
                            "s", "t"), threads={"var": 0, "v": 1, "s": 2}, per_step="grad", counters={"t": 1})),
    # end
]
ASSIGNMENT = Assignment(problems=PROBLEMS)
'''

#: (a mistake as an edit of the reference, the checks it must fail)
MISTAKES = {
    "backward-dgamma-without-xhat": ("(dout * cache.xhat).sum(axis=0)", "dout.sum(axis=0)",
                                     {"toy.batchnorm_backward.equals_reference"}),
    "running-mean-not-in-place": ('bn_param["running_mean"] = momentum', 'running_mean = momentum',
                                  {"toy.batchnorm_forward.running_averages"}),
    "forward-eps-outside-sqrt": ("np.sqrt(var + eps)", "(np.sqrt(var) + eps)",
                                 {"toy.batchnorm_forward.equals_reference",
                                  "toy.batchnorm_backward.equals_reference"}),
    "adam-step-counter-not-kept": ('config["t"] = config.get("t", 0) + 1', 'config["t"] = 1',
                                   {"toy.adam.equals_reference", "toy.adam.moments"}),
    "adam-default-learning-rate": ('config["learning_rate"] * mhat', '1e-3 * mhat', {"toy.adam.equals_reference"}),
    "plain-adam-bias-correction-off-by-one": ("v / (1 - beta1**t)", "v / (1 - beta1**(t + 1))",
                                              {"toy.update_variables_Adam.equals_reference"}),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return toy_course(tmp_path_factory.mktemp("cs231n"), reference=REFERENCE, checks=CHECKS, max_examples=10)



def test_the_reference_earns_every_point(course):
    result = grade_toy(course, REFERENCE, "reference")
    assert {check.id: (check.status, check.score) for check in result.checks} == {
        "toy.batchnorm_forward.equals_reference": ("passed", 3),
        "toy.batchnorm_forward.running_averages": ("passed", 2),
        "toy.batchnorm_backward.equals_reference": ("passed", 4), "toy.adam.equals_reference": ("passed", 3),
        "toy.adam.moments": ("passed", 1), "toy.update_variables_Adam.equals_reference": ("passed", 4)}, [
        (check.id, check.message[:300]) for check in result.checks if check.status != "passed"]


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_mistake_fails_exactly_its_checks(course, mistake):
    find, replace, failing = MISTAKES[mistake]
    assert REFERENCE.count(find) == 1
    result = grade_toy(course, REFERENCE.replace(find, replace), mistake)
    assert {check.id for check in result.checks if check.status != "passed"} == failing, [
        (check.id, check.message[:300]) for check in result.checks if check.status != "passed"]


def test_a_forward_without_a_cache_fails_its_backward_with_a_message_naming_the_missing_item(course):
    result = grade_toy(course, REFERENCE.replace("return gamma * xhat + beta, Cache(xhat, gamma, var, eps)",
                                             "return gamma * xhat + beta"), "no-cache")
    backward = next(check for check in result.checks if check.id == "toy.batchnorm_backward.equals_reference")
    assert backward.status == "error" and "the result of call 1: expected a sequence with item 1" in backward.message


def declaration_lines(function):
    """The non-blank, non-comment lines of one graded function's declaration in CHECKS."""
    section = CHECKS.split(f"# {function}\n", 1)[1].split("# end\n", 1)[0]
    return [line for line in section.splitlines() if line.strip() and not line.strip().startswith("#")]


#: function -> (the most lines its declaration may take, the shared strategies it uses). Shared lines
#: count in equal shares against the functions of one course that use them: the batchnorm inputs
#: against the forward and the backward, the steps in full against CS231n's adam and in full against
#: the plain course's update_variables_Adam, a course of its own.
LINE_BUDGETS = {"batchnorm_forward": (12, {"batchnorm inputs": 2}), "batchnorm_backward": (12, {"batchnorm inputs": 2}),
                "adam": (12, {"steps": 1}), "update_variables_Adam": (8, {"steps": 1})}


@pytest.mark.parametrize("function", sorted(LINE_BUDGETS))
def test_a_graded_function_takes_few_lines(function):
    most, shared = LINE_BUDGETS[function]
    lines = len(declaration_lines(function)) + sum(len(declaration_lines(name)) / users
                                                   for name, users in shared.items())
    assert lines <= most, lines


CUSTOM_CHECKS = '''
import numpy as np
from hypothesis import strategies as st
from autograder.authoring import Assignment, CheckFailure, Problem, arrays, custom


def running_mean_moves_towards_the_batch_mean(inputs, answer, expected, after):
    before, now = inputs["bn_param"]["running_mean"], after["bn_param"]["running_mean"]
    batch_mean = inputs["x"].mean(axis=0)
    if not np.all(np.abs(now - batch_mean) <= np.abs(before - batch_mean) + 1e-9):
        raise CheckFailure("the running mean moves away from the batch mean")


BN_PARAM = st.fixed_dictionaries({"mode": st.just("train"), "momentum": st.just(0.5), "running_mean": arrays((2,)),
                                  "running_var": arrays((2,))})
ASSIGNMENT = Assignment(problems=[Problem(
    "toy", "batchnorm_forward",
    {"x": arrays((3, 2)), "gamma": arrays((2,)), "beta": arrays((2,)), "bn_param": BN_PARAM},
    [custom(running_mean_moves_towards_the_batch_mean, description="the running mean moves towards the batch's",
            select=0, points=1)])])
'''


def test_a_custom_predicate_sees_the_arguments_before_and_after_the_call(tmp_path):
    folder, config = toy_course(tmp_path, reference=REFERENCE, checks=CUSTOM_CHECKS, max_examples=10)
    for name, source, status in (("right", REFERENCE, "passed"),
                                 ("away", REFERENCE.replace("+ (1 - momentum) * mean", "- (1 - momentum) * mean"),
                                  "failed")):
        submission = folder / name
        submission.mkdir()
        (submission / "toy.py").write_text(source)
        (check,) = grade_submission(submission, config=config).checks
        assert check.status == status, check.message


@pytest.mark.parametrize("keys, got, message", [
    ("all", {"m": np.ones(2), "extra": 1}, "expected a dict with keys ['m']"),
    ("expected", {"extra": 1}, "expected a dict with the keys ['m'] (at least)"),
    (["m"], {"m": np.zeros(2), "extra": 1}, "result['m']: 2 of 2 values differ"),
])
def test_compare_judges_dicts_on_the_keys_it_is_told(keys, got, message):
    with pytest.raises(CheckFailure, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")
                       .replace(")", r"\)")):
        compare({"m": np.ones(2)}, got, rtol=0.0, atol=0.0, keys=keys)
    compare({"m": np.ones(2)}, {"m": np.ones(2), "extra": 1}, rtol=0.0, atol=0.0, keys="expected")


class Functions:
    """Plain functions where the drivers expect a submission's modules."""

    def __init__(self, **functions):
        self.functions = functions

    def function(self, module, name):
        del module
        return self.functions[name]


def test_a_chain_hands_a_result_on_in_the_worker_and_sends_back_only_the_last_call():
    functions = Functions(forward=lambda x: (2 * x, object()), backward=lambda dout, cache: (dout, type(cache)))
    reply = drivers.run(requests.chain(requests.call("m", "forward", [np.ones(2)]),
                                       requests.call("m", "backward", [np.ones(2), requests.result_of(0, [1])],
                                                     select=[0])), functions)
    assert set(reply) == {"result", "args_after", "kwargs_after"} and reply["args_after"][1] is None
    np.testing.assert_array_equal(reply["result"], np.ones(2))


def test_a_call_observes_an_argument_as_the_call_left_it_or_says_where_a_selected_item_is_missing():
    def update(state):
        state["count"] += 1
        return None
    functions = Functions(update=update)
    assert drivers.run(requests.call("m", "update", kwargs={"state": {"count": 1}}, argument="state",
                                     select=["count"]), functions)["result"] == 2
    reply = drivers.run(requests.call("m", "update", kwargs={"state": {"count": 1}}, select=[1]), functions)
    assert reply["not_found"] == "result: expected a sequence with item 1, got a NoneType"


def test_a_loop_threads_state_wherever_the_signature_keeps_it_and_counts_steps_for_the_caller():
    def step(var, grad, v, t):
        return var - grad * t, v + t
    reply = drivers.run(requests.loop("m", "step", [np.zeros(1)], {"grad": None, "v": 0, "t": None},
                                      threads={0: 0, "v": 1}, per_step={"grad": [np.ones(1)] * 3},
                                      counters={"t": 1}, record_states=True), Functions(step=step))
    assert [float(w[0]) for w in reply["weights"]] == [-1.0, -3.0, -6.0]
    assert reply["states_returned"] == [1, 3, 6]


def test_a_trajectory_is_the_loop_of_an_optimizer_with_a_state_dict():
    def sgd(w, dw, state, lr=0.1):
        return w - lr * dw, {"steps": state.get("steps", 0) + 1}
    reply = drivers.run(requests.trajectory("m", "sgd", np.ones(2), gradients=[np.ones(2)] * 2,
                                            hyperparameters={"lr": 0.5}, record_states=True), Functions(sgd=sgd))
    np.testing.assert_array_equal(reply["weights"], [np.full(2, 0.5), np.zeros(2)])
    assert reply["states_returned"] == [{"steps": 1}, {"steps": 2}]
    assert reply["states_after_next_call"] == [{"steps": 1}]


def test_a_driver_hands_the_request_s_values_to_the_code_and_reads_its_placeholders_before_the_call():
    """The worker runs a request it has just decoded, once: the code gets its values, not copies, and a dict
    argument the code makes look like a placeholder is still sent back."""
    def update(w, state):
        w += 1.0
        state[drivers.RESULT_OF] = 0
    w = np.zeros(2)
    reply = drivers.run(requests.call("m", "update", [w, {}]), Functions(update=update))
    assert reply["args_after"][0] is w and reply["args_after"][1] == {drivers.RESULT_OF: 0}
    np.testing.assert_array_equal(w, np.ones(2))


def test_the_reference_runs_on_a_copy_of_the_example_it_is_expected_on(tmp_path):
    from autograder.authoring import Problem, arrays, equals_reference
    from autograder.grading.oracle import Oracle

    (tmp_path / "m.py").write_text("def update(w):\n    w += 1.0\n    return w\n")
    problem = Problem("m", "update", {"w": arrays("w")}, [equals_reference(points=1)])
    example = {"w": np.zeros(2)}
    expected = problem.expected(Oracle(tmp_path), example)
    np.testing.assert_array_equal(expected, np.ones(2))
    np.testing.assert_array_equal(example["w"], np.zeros(2))


def test_a_loop_without_an_invocation_calls_the_problems_function_with_its_inputs_and_counters_by_name():
    from autograder.authoring import Problem, arrays, equals_reference, floats, repeat

    problem = Problem("adam", "update", {"alpha": floats(0, 1), "var": arrays("w"), "grad": arrays("w"),
                                         "v": arrays("w")}, [equals_reference(points=1)],
                      calls=repeat(threads={"var": 0, "v": 1}, per_step=["grad"], counters={"t": 1}))
    assert problem.calls.invocation.function == "update"
    assert problem.calls.invocation.kwargs == {name: name for name in ("alpha", "var", "grad", "v", "t")}
    (request,) = problem.requests({"alpha": 0.5, "var": np.ones(2), "grad": [np.ones(2)] * 3, "v": np.zeros(2)})
    steps = []

    def update(alpha, var, grad, v, t):
        steps.append(t)
        return var - alpha * grad, v + grad

    reply = drivers.run(request, Functions(update=update))
    assert steps == [1, 2, 3]
    np.testing.assert_allclose(reply["weights"][-1], np.ones(2) - 1.5)


def test_a_loop_without_an_invocation_names_only_the_problems_inputs():
    from autograder.authoring import Problem, arrays, equals_reference, repeat

    with pytest.raises(ValueError, match="'momentum' is not an argument of the invocation"):
        Problem("m", "update", {"var": arrays("w"), "grad": arrays("w")}, [equals_reference(points=1)],
                calls=repeat(threads={"var": 0, "momentum": 1}, per_step=["grad"]))


def test_torch_optimizer_steps_are_the_optimizers_iterates_in_float64():
    import torch

    from autograder.authoring import torch_optimizer_steps

    w, gradients = np.array([1.0, -2.0]), [np.array([0.5, 0.25]), np.array([-1.0, 1.0])]
    iterates = torch_optimizer_steps(torch.optim.SGD, torch.tensor(w, requires_grad=True), gradients, lr=0.1,
                                     momentum=0.9)
    assert [iterate.dtype for iterate in iterates] == [torch.float64] * 2
    velocity = gradients[0]
    expected = [w - 0.1 * velocity, w - 0.1 * velocity - 0.1 * (0.9 * velocity + gradients[1])]
    np.testing.assert_allclose([iterate.numpy() for iterate in iterates], expected, rtol=1e-15)


def test_torch_optimizer_names_the_optimizers_arguments_by_the_courses_inputs_or_config_keys():
    import torch

    from autograder.authoring import torch_optimizer, torch_optimizer_steps

    w, gradients = np.array([1.0, -2.0]), [np.array([0.5, 0.25]), np.array([-1.0, 1.0])]
    expected = torch_optimizer_steps(torch.optim.Adam, w, gradients, lr=0.1, betas=(0.5, 0.9), eps=1e-3)
    plain = torch_optimizer(torch.optim.Adam, params="var", grads="grad", lr="alpha", betas=("beta1", "beta2"),
                            eps="epsilon")
    assert plain.__name__ == "torch.optim.Adam"
    configured = torch_optimizer(torch.optim.Adam, params="w", grads="dw", config="config",
                                 defaults={"learning_rate": 0.1, "beta1": 0.9, "beta2": 0.9, "epsilon": 1e-3},
                                 lr="learning_rate", betas=("beta1", "beta2"), eps="epsilon")
    for iterates in (plain(alpha=0.1, beta1=0.5, beta2=0.9, epsilon=1e-3, var=w, grad=gradients, v=0, s=0),
                     configured(w=w, dw=gradients, config={"beta1": 0.5})):
        np.testing.assert_array_equal(torch.stack(iterates).numpy(), torch.stack(expected).numpy())
    defaults_only = configured(w=w, dw=gradients, config=None)
    np.testing.assert_array_equal(defaults_only[0].numpy(), torch_optimizer_steps(
        torch.optim.Adam, w, gradients[:1], lr=0.1, betas=(0.9, 0.9), eps=1e-3)[0].numpy())
    with pytest.raises(ValueError, match=r"torch_optimizer\(SGD\): no value for \['rate'\]"):
        torch_optimizer(torch.optim.SGD, params="w", grads="dw", config="config", lr="rate")(
            w=w, dw=gradients, config={})


def test_a_loop_draws_one_steps_value_per_step_the_same_number_for_every_per_step_input():
    from hypothesis import HealthCheck, find, given, settings

    from autograder.authoring import Problem, arrays, equals_reference, repeat

    problem = Problem("m", "update", {"var": arrays("w"), "grad": arrays("w"), "noise": arrays("w"),
                                      "v": arrays("w")}, [equals_reference(points=1)],
                      calls=repeat(threads={"var": 0, "v": 1}, per_step=("grad", "noise"), steps=3))

    quiet = settings(database=None, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))

    @settings(quiet, max_examples=30)
    @given(problem.examples)
    def drawn(example):
        assert 1 <= len(example["grad"]) == len(example["noise"]) <= 3
        assert all(np.shape(value) == np.shape(example["var"]) for value in example["grad"] + example["noise"])
    drawn()
    assert len(find(problem.examples, lambda example: len(example["grad"]) == 3,
                    settings=quiet)["noise"]) == 3


def test_a_loop_takes_one_per_step_name_alone_and_at_least_one_step():
    from autograder.authoring import repeat

    assert repeat(threads={"var": 0}, per_step="grad").per_step == ("grad",)
    for steps in (0, 2.5, True):
        with pytest.raises(ValueError, match="steps is the most steps an example has, a positive integer"):
            repeat(threads={"var": 0}, per_step="grad", steps=steps)
