"""One step of six first-order optimizers, as pure functions of explicit state.

Each optimizer is a function

    new_w, new_state = NAME(w, dw, state, **hyperparameters)

that reproduces one call of ``step()`` of its ``torch.optim`` counterpart on a single
parameter array ``w`` whose gradient is ``dw``. Nothing is modified in place: ``w``,
``dw`` and ``state`` are read, and new arrays and a new dict are returned. The first
call receives ``state = {}``; every later call receives the ``new_state`` that the
previous call returned. A state holds only numpy arrays and Python numbers, so it can
be pickled and sent to another process.

Notation used in every docstring below: ``t`` is the step count (1 on the first
call), ``g`` the gradient actually used by the update (``dw`` plus any L2 penalty),
``*`` and ``/`` act elementwise, and ``sqrt`` is the elementwise square root.
"""

import numpy as np


def sgd(w, dw, state, *, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
    """One step of stochastic gradient descent, optionally with momentum (torch.optim.SGD).

    Algorithm (b is the momentum buffer, absent while momentum == 0)::

        input: lr, momentum (mu), dampening (tau), weight_decay (lambda), nesterov
        -----------------------------------------------------------------------------
        g <- dw + weight_decay * w
        if momentum != 0:
            if first step:  b <- g                          (no dampening here)
            else:           b <- momentum * b + (1 - dampening) * g
            if nesterov:    g <- g + momentum * b
            else:           g <- b
        w <- w - lr * g

    Args:
        w: parameters, a float64 array of any shape (0-d included).
        dw: gradient of the loss with respect to ``w``, same shape as ``w``.
        state: ``{}`` on the first call, then the ``new_state`` of the previous call.
        lr: learning rate (default: 1e-3).
        momentum: momentum factor mu (default: 0, plain gradient descent).
        dampening: dampening tau of the gradient added to the buffer (default: 0).
        weight_decay: L2 penalty lambda, added to the gradient (default: 0).
        nesterov: use Nesterov momentum (default: False). Requires momentum > 0 and
            dampening == 0.

    Returns:
        ``(new_w, new_state)``: the updated parameters (float64, shape of ``w``) and the
        new state. The state holds ``"momentum_buffer"`` (the array b) once a step with
        momentum != 0 has been taken; with momentum == 0 it stays empty.

    Raises:
        ValueError: ``Invalid learning rate: {lr}`` if lr < 0,
            ``Invalid momentum value: {momentum}`` if momentum < 0,
            ``Invalid weight_decay value: {weight_decay}`` if weight_decay < 0,
            ``Nesterov momentum requires a momentum and zero dampening`` if nesterov
            is set with momentum <= 0 or dampening != 0, and a ValueError naming both
            shapes if ``w`` and ``dw`` differ in shape.

    Conventions (PyTorch's, which differ from other sources):
        * The learning rate multiplies the buffer, b <- mu * b + g; w <- w - lr * b.
          Sutskever et al. (2013) and some frameworks put lr inside the buffer,
          v <- mu * v + lr * g; w <- w - v. The two agree while lr is constant.
        * The buffer starts as the raw gradient on the first step, not at zero, so the
          first step is not scaled by (1 - dampening); dampening applies from step 2.
        * Nesterov momentum is the reformulation g + mu * b of Sutskever et al.'s
          look-ahead gradient, evaluated at the current w.
        * weight_decay is an L2 penalty: lambda * w is added to the gradient before
          the momentum buffer sees it.
    """
    raise NotImplementedError("optimizers.sgd: not implemented yet (see the docstring)")


def adagrad(w, dw, state, *, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10):
    """One step of Adagrad (Duchi et al., 2011) as torch.optim.Adagrad.

    Algorithm (s is the running sum of squared gradients)::

        input: lr, lr_decay, weight_decay (lambda), initial_accumulator_value, eps
        initialize: t <- 0, s <- initial_accumulator_value (an array of w's shape)
        -----------------------------------------------------------------------------
        t   <- t + 1
        g   <- dw + weight_decay * w
        clr <- lr / (1 + (t - 1) * lr_decay)
        s   <- s + g * g
        w   <- w - clr * g / (sqrt(s) + eps)

    Args:
        w: parameters, a float64 array of any shape (0-d included).
        dw: gradient of the loss with respect to ``w``, same shape as ``w``.
        state: ``{}`` on the first call, then the ``new_state`` of the previous call.
        lr: learning rate (default: 1e-2).
        lr_decay: learning-rate decay (default: 0, a constant step size).
        weight_decay: L2 penalty lambda, added to the gradient (default: 0).
        initial_accumulator_value: starting value of every entry of s (default: 0).
        eps: added to the denominator for numerical stability (default: 1e-10).

    Returns:
        ``(new_w, new_state)``: the updated parameters (float64, shape of ``w``) and the
        new state, which holds ``"step"`` (t, an int) and ``"sum"`` (the array s).

    Raises:
        ValueError: ``Invalid learning rate: {lr}``, ``Invalid lr_decay value: ...``,
            ``Invalid weight_decay value: ...``,
            ``Invalid initial_accumulator_value value: ...`` or
            ``Invalid epsilon value: ...`` when that hyperparameter is negative, and a
            ValueError naming both shapes if ``w`` and ``dw`` differ in shape.

    Conventions (PyTorch's, which differ from other sources):
        * The step size decays as lr / (1 + (t - 1) * lr_decay): the first step uses
          lr itself. lr_decay does not exist in the paper or in TensorFlow.
        * eps is added outside the square root, to sqrt(s).
        * s starts at initial_accumulator_value, 0 by default (TensorFlow's default
          is 0.1), so the first step moves every coordinate by about lr.
    """
    raise NotImplementedError("optimizers.adagrad: not implemented yet (see the docstring)")


def rmsprop(w, dw, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
    """One step of RMSprop (Hinton's lecture 6e; centered: Graves, 2013) as torch.optim.RMSprop.

    Algorithm (v: running mean of g * g; a: running mean of g, only when centered;
    b: momentum buffer, only when momentum > 0)::

        input: lr, alpha, eps, weight_decay (lambda), momentum (mu), centered
        initialize: v <- 0, a <- 0, b <- 0 (arrays of w's shape)
        -----------------------------------------------------------------------------
        g <- dw + weight_decay * w
        v <- alpha * v + (1 - alpha) * g * g
        if centered:
            a   <- alpha * a + (1 - alpha) * g
            den <- sqrt(v - a * a) + eps
        else:
            den <- sqrt(v) + eps
        if momentum > 0:
            b <- momentum * b + g / den
            w <- w - lr * b
        else:
            w <- w - lr * g / den

    Args:
        w: parameters, a float64 array of any shape (0-d included).
        dw: gradient of the loss with respect to ``w``, same shape as ``w``.
        state: ``{}`` on the first call, then the ``new_state`` of the previous call.
        lr: learning rate (default: 1e-2).
        alpha: smoothing constant, the decay of the running means (default: 0.99).
        eps: added to the denominator for numerical stability (default: 1e-8).
        weight_decay: L2 penalty lambda, added to the gradient (default: 0).
        momentum: momentum factor mu (default: 0, no momentum).
        centered: divide by an estimate of the gradient's standard deviation instead
            of its root mean square (default: False).

    Returns:
        ``(new_w, new_state)``: the updated parameters (float64, shape of ``w``) and the
        new state, which holds ``"square_avg"`` (v), plus ``"grad_avg"`` (a) when
        centered and ``"momentum_buffer"`` (b) when momentum > 0.

    Raises:
        ValueError: ``Invalid learning rate: {lr}``, ``Invalid epsilon value: ...``,
            ``Invalid momentum value: ...``, ``Invalid weight_decay value: ...`` or
            ``Invalid alpha value: ...`` when that hyperparameter is negative, and a
            ValueError naming both shapes if ``w`` and ``dw`` differ in shape.
            Like PyTorch, alpha > 1 is not rejected.

    Conventions (PyTorch's, which differ from other sources):
        * alpha is the decay of the running means (Keras calls it rho; the lecture
          used 0.9, PyTorch defaults to 0.99).
        * eps is added outside the square root, to sqrt(v) (TensorFlow adds it inside).
        * The running means start at zero and are not bias-corrected, unlike Adam's.
        * With momentum, the buffer accumulates the normalized step g / den and starts
          at zero; lr multiplies the buffer.
    """
    raise NotImplementedError("optimizers.rmsprop: not implemented yet (see the docstring)")


def adadelta(w, dw, state, *, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0):
    """One step of Adadelta (Zeiler, 2012) as torch.optim.Adadelta.

    Algorithm (v: running mean of g * g; u: running mean of delta * delta)::

        input: lr, rho, eps, weight_decay (lambda)
        initialize: v <- 0, u <- 0 (arrays of w's shape)
        -----------------------------------------------------------------------------
        g     <- dw + weight_decay * w
        v     <- rho * v + (1 - rho) * g * g
        delta <- sqrt(u + eps) / sqrt(v + eps) * g
        u     <- rho * u + (1 - rho) * delta * delta
        w     <- w - lr * delta

    Args:
        w: parameters, a float64 array of any shape (0-d included).
        dw: gradient of the loss with respect to ``w``, same shape as ``w``.
        state: ``{}`` on the first call, then the ``new_state`` of the previous call.
        lr: coefficient that scales delta before it is applied (default: 1.0).
        rho: decay of both running means, in [0, 1] (default: 0.9).
        eps: added inside both square roots (default: 1e-6).
        weight_decay: L2 penalty lambda, added to the gradient (default: 0).

    Returns:
        ``(new_w, new_state)``: the updated parameters (float64, shape of ``w``) and the
        new state, which holds ``"square_avg"`` (v) and ``"acc_delta"`` (u).

    Raises:
        ValueError: ``Invalid learning rate: {lr}``, ``Invalid epsilon value: ...`` or
            ``Invalid weight_decay value: ...`` when that hyperparameter is negative,
            ``Invalid rho value: {rho}`` when rho is outside [0, 1], and a ValueError
            naming both shapes if ``w`` and ``dw`` differ in shape.

    Conventions (PyTorch's, which differ from other sources):
        * The paper has no learning rate; PyTorch multiplies delta by lr, and the
          default lr = 1.0 gives the paper's update. (Keras defaults to lr = 0.001.)
        * eps is added inside both square roots, unlike RMSprop's and Adam's eps.
          Inside the numerator it is what lets the very first step move at all,
          since u starts at zero.
        * u is updated with the new delta, after delta has been computed from the
          old u.
    """
    raise NotImplementedError("optimizers.adadelta: not implemented yet (see the docstring)")


def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False):
    """One step of Adam (Kingma and Ba, 2015) as torch.optim.Adam.

    Algorithm (m, v: running means of g and g * g; v_max: their running maximum)::

        input: lr, (beta1, beta2) = betas, eps, weight_decay (lambda), amsgrad
        initialize: t <- 0, m <- 0, v <- 0, v_max <- 0 (arrays of w's shape)
        -----------------------------------------------------------------------------
        t     <- t + 1
        g     <- dw + weight_decay * w
        m     <- beta1 * m + (1 - beta1) * g
        v     <- beta2 * v + (1 - beta2) * g * g
        m_hat <- m / (1 - beta1^t)
        if amsgrad:
            v_max <- maximum(v_max, v)
            v_hat <- v_max / (1 - beta2^t)
        else:
            v_hat <- v / (1 - beta2^t)
        w     <- w - lr * m_hat / (sqrt(v_hat) + eps)

    Args:
        w: parameters, a float64 array of any shape (0-d included).
        dw: gradient of the loss with respect to ``w``, same shape as ``w``.
        state: ``{}`` on the first call, then the ``new_state`` of the previous call.
        lr: learning rate (default: 1e-3).
        betas: (beta1, beta2), the decays of m and v, each in [0, 1)
            (default: (0.9, 0.999)).
        eps: added to the denominator for numerical stability (default: 1e-8).
        weight_decay: L2 penalty lambda, added to the gradient (default: 0).
        amsgrad: use the AMSGrad variant (Reddi et al., 2018) (default: False).

    Returns:
        ``(new_w, new_state)``: the updated parameters (float64, shape of ``w``) and the
        new state, which holds ``"step"`` (t, an int), ``"exp_avg"`` (m),
        ``"exp_avg_sq"`` (v) and, when amsgrad, ``"max_exp_avg_sq"`` (v_max).

    Raises:
        ValueError: ``Invalid learning rate: {lr}``, ``Invalid epsilon value: ...`` or
            ``Invalid weight_decay value: ...`` when that hyperparameter is negative,
            ``Invalid beta parameter at index 0: {betas[0]}`` (or index 1) when a beta
            is outside [0, 1), and a ValueError naming both shapes if ``w`` and
            ``dw`` differ in shape.

    Conventions (PyTorch's, which differ from other sources):
        * The bias corrections use t = 1 on the first step, so m_hat = g then.
        * eps is added outside the square root, after bias correction:
          sqrt(v_hat) + eps. TensorFlow/Keras fold the corrections into the step size
          and add their "epsilon hat" to sqrt(v), which scales eps differently.
        * AMSGrad keeps the maximum of the raw, uncorrected v and then divides that
          maximum by the current 1 - beta2^t; the AMSGrad paper has no bias correction.
        * weight_decay is an L2 penalty added to the gradient, so it passes through
          m and v. For decoupled weight decay use ``adamw``.
    """
    raise NotImplementedError("optimizers.adam: not implemented yet (see the docstring)")


def adamw(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    """One step of AdamW (Loshchilov and Hutter, 2019) as torch.optim.AdamW.

    Algorithm (m, v: running means of g and g * g; v_max: their running maximum)::

        input: lr, (beta1, beta2) = betas, eps, weight_decay (lambda), amsgrad
        initialize: t <- 0, m <- 0, v <- 0, v_max <- 0 (arrays of w's shape)
        -----------------------------------------------------------------------------
        t     <- t + 1
        w     <- w * (1 - lr * weight_decay)           (decoupled weight decay)
        g     <- dw                                    (no L2 term)
        m     <- beta1 * m + (1 - beta1) * g
        v     <- beta2 * v + (1 - beta2) * g * g
        m_hat <- m / (1 - beta1^t)
        if amsgrad:
            v_max <- maximum(v_max, v)
            v_hat <- v_max / (1 - beta2^t)
        else:
            v_hat <- v / (1 - beta2^t)
        w     <- w - lr * m_hat / (sqrt(v_hat) + eps)

    Args:
        w: parameters, a float64 array of any shape (0-d included).
        dw: gradient of the loss with respect to ``w``, same shape as ``w``.
        state: ``{}`` on the first call, then the ``new_state`` of the previous call.
        lr: learning rate (default: 1e-3).
        betas: (beta1, beta2), the decays of m and v, each in [0, 1)
            (default: (0.9, 0.999)).
        eps: added to the denominator for numerical stability (default: 1e-8).
        weight_decay: decoupled weight-decay coefficient lambda (default: 1e-2, not
            0 as in ``adam``).
        amsgrad: use the AMSGrad variant (Reddi et al., 2018) (default: False).

    Returns:
        ``(new_w, new_state)``: the updated parameters (float64, shape of ``w``) and the
        new state, which holds ``"step"`` (t, an int), ``"exp_avg"`` (m),
        ``"exp_avg_sq"`` (v) and, when amsgrad, ``"max_exp_avg_sq"`` (v_max).

    Raises:
        ValueError: the same messages as ``adam``: ``Invalid learning rate: {lr}``,
            ``Invalid epsilon value: ...``, ``Invalid weight_decay value: ...``,
            ``Invalid beta parameter at index 0: ...`` (or index 1), and a ValueError
            naming both shapes if ``w`` and ``dw`` differ in shape.

    Conventions (PyTorch's, which differ from other sources):
        * The decay multiplies w by (1 - lr * weight_decay) before the Adam step, and
          never enters m or v; ``adam``'s weight_decay instead adds an L2 term to g.
        * The decay is scaled by lr. In the paper it is scaled only by the schedule
          multiplier, independently of the learning rate alpha.
        * Everything else is ``adam``: t starts at 1, eps outside the square root
          after bias correction, AMSGrad maximum of the raw v.
    """
    raise NotImplementedError("optimizers.adamw: not implemented yet (see the docstring)")
