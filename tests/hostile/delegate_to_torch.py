def sgd(w, dw, state, *, lr=1e-3, **hyperparameters):
    import torch
    parameter = torch.nn.Parameter(torch.tensor(w))
    parameter.grad = torch.tensor(dw)
    torch.optim.SGD([parameter], lr=lr).step()
    return parameter.detach().numpy(), {}
