# A course's own verdict, plot and driver (drivers.py), registered as the built-in ones are and used the same way.
import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (Assignment, Check, CheckFailure, Diagnostic, Family, Part, Tolerances, arrays, call,
                                  compare, driver_request, plot, value_of, verdict, verdicts)


@verdict
def rows_sum_to_one(expected, replies, *, rtol, atol):
    """Every row of the one call's result is a distribution: no negative entry, and a sum of one."""
    del expected  # the property holds whatever the reference returns
    rows = np.asarray(value_of(replies[0])["result"], dtype=np.float64)
    if (rows < 0).any():
        raise CheckFailure("a row holds a negative probability", got=rows)
    sums = rows.sum(axis=-1)
    compare(np.ones_like(sums), sums, rtol=rtol, atol=atol, location="the rows' sums")


@plot("row_sums", title="{function}: the sum of each row",
      caption="The sum of each row of {function}'s output on a fixed input: every bar should reach 1.")
def draw_row_sums(figure, data):
    axes = figure.subplots()
    axes.bar(range(len(data["sums"])), data["sums"])
    axes.axhline(1.0, color="black")
    return [f"the rows sum to between {min(data['sums']):.3g} and {max(data['sums']):.3g}"]


X = st.fixed_dictionaries({"x": arrays((3, 4), magnitude=10.0)})
SHOWCASE = np.linspace(-2.0, 2.0, 12).reshape(4, 3)


def softmax_check(family, judged_by):
    return Check("softmax", "softmax", family, f"softmax's rows ({judged_by.name})", X,
                 lambda example: [call("softmax", "softmax", [example["x"]])],
                 lambda example, oracle: oracle.reference("softmax").softmax(example["x"]), judged_by)


AFFINE = st.fixed_dictionaries({"x": arrays((2, 2, 3), magnitude=2.0), "w": arrays((6, 4), magnitude=2.0),
                                 "b": arrays((4,), magnitude=2.0), "dout": arrays((2, 4), magnitude=2.0)})


def gradient_in_x(example):
    """The numerical gradient of affine_forward's out in x, by the course's driver (drivers.py)."""
    return driver_request("numerical_gradient", module="affine", function="affine_forward",
                          args=[example["x"], example["w"], example["b"]], wrt=0, output=0, upstream=example["dout"])


ASSIGNMENT = Assignment(parts=[Part(
    "softmax",
    families={"values": Family(points=2), "distribution": Family(points=1)},
    checks=[softmax_check("values", verdicts.returns()), softmax_check("distribution", rows_sum_to_one())],
    diagnostics=[Diagnostic("softmax", "softmax", "row_sums", [call("softmax", "softmax", [SHOWCASE])],
                            lambda oracle: {},
                            lambda values, reference: {"sums": np.sum(values[0]["result"], axis=-1).tolist()})],
), Part(
    "affine",
    families={"gradient": Family(points=1, tolerances=Tolerances(rtol=1e-6, atol=1e-6))},
    checks=[Check("affine", "affine_forward", "gradient", "affine_forward's numerical gradient in x", AFFINE,
                  lambda example: [gradient_in_x(example)],
                  lambda example, oracle: oracle.reply(gradient_in_x(example))["result"], verdicts.returns())],
)])
