# A course's own verdict and plot, registered as the built-in ones are and named the same way.
import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (Assignment, Check, CheckFailure, Diagnostic, Family, Part, arrays, call, compare,
                                  plot, value_of, verdict)


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


def softmax_check(family, verdict_name):
    return Check("softmax", "softmax", family, f"softmax's rows ({verdict_name})", X,
                 lambda example: [call("softmax", "softmax", [example["x"]])],
                 lambda example, oracle: oracle.reference("softmax").softmax(example["x"]), verdict_name)


ASSIGNMENT = Assignment(parts=[Part(
    "softmax",
    families={"values": Family(points=2), "distribution": Family(points=1)},
    checks=[softmax_check("values", "returns"), softmax_check("distribution", "rows_sum_to_one")],
    diagnostics=[Diagnostic("softmax", "softmax", "row_sums", [call("softmax", "softmax", [SHOWCASE])],
                            lambda oracle: {},
                            lambda values, reference: {"sums": np.sum(values[0]["result"], axis=-1).tolist()})],
)])
