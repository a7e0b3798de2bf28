"""Second-order steps: a damped Newton step, and the L-BFGS search direction.

Parameters are flat float64 vectors ``w`` of shape (n,); a Hessian is an (n, n) array.
Nothing is modified in place.
"""

import numpy as np

#: PyTorch's L-BFGS keeps a pair (s, y) only if its curvature s^T y exceeds this.
CURVATURE_THRESHOLD = 1e-10


def newton_step(w, grad, hessian, damping=0.0):
    """One damped Newton step: the minimizer of the local quadratic model, regularized.

        w_new = w - (H + damping * I)^-1 g

    where g = ``grad`` and H = ``hessian`` at w. On a strongly convex quadratic
    f(w) = 1/2 w^T A w - b^T w (g = A w - b, H = A), one undamped step lands on the
    minimizer A^-1 b from any w; near the minimizer of a smooth strongly convex f, the
    error is squared at every step (quadratic convergence). damping > 0 (Levenberg's
    damping) shortens the step and turns it towards -g, which keeps it defined where H is
    singular or indefinite.

    Solve the linear system (numpy.linalg.solve); never form the inverse. An
    ill-conditioned but nonsingular H + damping I gives the step to the accuracy of a
    backward-stable solve (a relative error of about cond(H) * 1e-16); an exactly
    singular one raises numpy.linalg.LinAlgError, numpy's own error, which is a ValueError.

    Args:
        w: the current point, shape (n,).
        grad: the gradient g at w, shape (n,).
        hessian: the Hessian H at w, shape (n, n) (symmetric).
        damping: the damping lambda >= 0 added to H's diagonal (default: 0.0, a pure
            Newton step).

    Returns:
        w_new, a new float64 array of shape (n,).

    Raises:
        ValueError: ``Invalid damping value: {damping}`` if damping < 0; a ValueError
            naming the shapes if grad is not of w's shape (n,) or hessian not (n, n);
            numpy.linalg.LinAlgError if H + damping I is singular.
    """
    ### BEGIN SOLUTION
    if damping < 0:
        raise ValueError(f"Invalid damping value: {damping}")
    w, grad, hessian = (np.asarray(a, dtype=np.float64) for a in (w, grad, hessian))
    if w.ndim != 1 or grad.shape != w.shape or hessian.shape != (w.size, w.size):
        raise ValueError(f"expected w and grad of shape (n,) and hessian of shape (n, n), got {w.shape}, "
                         f"{grad.shape} and {hessian.shape}")
    return w - np.linalg.solve(hessian + damping * np.eye(w.size), grad)
    ### END SOLUTION


def lbfgs_direction(grad, s_history, y_history, history_size=100):
    """The L-BFGS search direction d = -H_k g by the two-loop recursion (torch.optim.LBFGS).

    s_i = w_{i+1} - w_i and y_i = g_{i+1} - g_i are the steps and gradient changes of the
    past iterations, oldest first. H_k, the inverse-Hessian approximation, is built from
    the last ``history_size`` pairs with positive curvature rho_i = 1 / (y_i^T s_i)::

        q <- g
        for i from newest to oldest:  alpha_i <- rho_i s_i^T q;  q <- q - alpha_i y_i
        r <- gamma * q            gamma = s^T y / y^T y of the newest pair kept
        for i from oldest to newest:  beta <- rho_i y_i^T r;     r <- r + (alpha_i - beta) s_i
        d <- -r

    Conventions (PyTorch's, which this function reproduces exactly):
        * A pair whose curvature y^T s is at most 1e-10 (non-positive curvature: the
          function is not convex along s, or s is tiny) is skipped, as torch's LBFGS
          never stores it; the pairs kept are the last ``history_size`` of the others.
        * The initial scaling H_0 = gamma I uses the newest kept pair; with no pair kept,
          gamma = 1 and d = -g (torch's first iteration).
        * torch.optim.LBFGS with line_search_fn=None steps w <- w + lr * d, except on its
          very first iteration, where the step is min(1, 1 / ||g||_1) * lr.

    Args:
        grad: the gradient g at the current point, shape (n,).
        s_history: a list of steps s_i, each of shape (n,), oldest first (may be empty).
        y_history: the list of the matching y_i, of the same length.
        history_size: m, how many pairs to use at most (torch's default 100), an int >= 1.

    Returns:
        d, a new float64 array of shape (n,).

    Raises:
        ValueError: ``Invalid history_size: {history_size}`` if history_size < 1; a
            ValueError naming both lengths if s_history and y_history differ in length,
            and naming the shapes if grad is not 1-D or a pair is not of grad's shape.
    """
    ### BEGIN SOLUTION
    if history_size < 1:
        raise ValueError(f"Invalid history_size: {history_size}")
    if len(s_history) != len(y_history):
        raise ValueError(f"s_history and y_history differ in length: {len(s_history)} and {len(y_history)}")
    grad = np.asarray(grad, dtype=np.float64)
    pairs = [(np.asarray(s, dtype=np.float64), np.asarray(y, dtype=np.float64)) for s, y in zip(s_history, y_history)]
    if grad.ndim != 1 or any(s.shape != grad.shape or y.shape != grad.shape for s, y in pairs):
        raise ValueError(f"expected grad of shape (n,) and pairs of its shape, got grad of shape {grad.shape}")
    pairs = [(s, y) for s, y in pairs if y @ s > CURVATURE_THRESHOLD][-history_size:]
    q = grad.copy()
    alphas = []
    for s, y in reversed(pairs):
        alpha = (s @ q) / (y @ s)
        q = q - alpha * y
        alphas.append(alpha)
    gamma = 1.0
    if pairs:
        s, y = pairs[-1]
        gamma = (y @ s) / (y @ y)
    r = gamma * q
    for (s, y), alpha in zip(pairs, reversed(alphas)):
        beta = (y @ r) / (y @ s)
        r = r + (alpha - beta) * s
    return -r
    ### END SOLUTION
