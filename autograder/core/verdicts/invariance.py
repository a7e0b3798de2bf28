"""Verdicts on what a result must not depend on: several calls whose inputs differ only
where a part of the result should not look, and that part equal in all of them."""

import numpy as np

from autograder.core.verdicts.core import CheckFailure, compare, describe, value_of
from autograder.core.verdicts.registry import verdict


@verdict
def agree_on(expected, replies, *, rtol, atol):
    """Two or more calls; the part ``index`` of their results (of item ``select`` of each) is the same in all.

    ``expected`` holds ``index`` (a list of ints, the leading indices of the part: ``[0]``
    is the first row), ``select`` (the item of a tuple result, or None) and ``changed``,
    what differs between the calls' inputs, for the message. Every later call's part must
    equal the first call's within rtol and atol.
    """
    index, select = tuple(expected["index"]), expected.get("select")
    parts = []
    for number, reply in enumerate(replies, start=1):
        result = value_of(reply)["result"]
        if select is not None:
            if not isinstance(result, (tuple, list)) or len(result) <= select:
                raise CheckFailure(f"call {number}: expected a tuple of at least {select + 1} values, got "
                                   f"{describe(result)}", got=result, location=f"call {number}")
            result = result[select]
        if (not isinstance(result, np.ndarray) or result.ndim < len(index)
                or any(position >= size for position, size in zip(index, result.shape))):
            raise CheckFailure(f"call {number}: expected an array with an entry at {list(index)} of its leading "
                               f"axes, got {describe(result)}", got=result, location=f"call {number}")
        parts.append(result[index])
    where = f"result{'' if select is None else f'[{select}]'}[{', '.join(map(str, index))}]"
    for number, part in enumerate(parts[1:], start=2):
        try:
            compare(parts[0], part, rtol=rtol, atol=atol, location=where)
        except CheckFailure as failure:
            raise CheckFailure(f"{where} changed between call 1 and call {number}, whose inputs differ only in "
                               f"{expected['changed']}: it must not depend on them ({failure.message})",
                               expected=failure.expected, got=failure.got, location=f"call {number}, {where}") from None
