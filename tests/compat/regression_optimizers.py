"""pytorch/examples time_sequence_prediction (train.py): sine waves of different phases, a
Sequence(nn.Module) predicting each next value and then continuing the wave on its own
(forward(input, future=...)), trained with optim.LBFGS through a closure
(optimizer.zero_grad(); loss = criterion(seq(input), target); loss.backward(); return loss) in
double precision, with the test loss under torch.no_grad() after each step. The LSTMCells are
replaced by an MLP on a window of the last few values (nn.Sequential of Linear and Tanh), the
waves are fewer and shorter, LBFGS uses lr=1 (the example: 0.8) with
line_search_fn="strong_wolfe" and takes two steps instead of 15 (later ones are so
ill-conditioned that rounding decides them), and the same regression is also trained, in
float32, by each first-order optimizer: SGD with momentum, SGD with Nesterov momentum, Adam,
AdamW, RMSprop and Adagrad. The example's random phases come from NumPy and every run starts
from the same weights, loaded by state_dict."""

import json

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

# ---- the data, as generate_sine_wave.py makes it (fewer, shorter waves) -----------------------
np.random.seed(2)
T = 20
L = 120
N = 12
x = np.empty((N, L), 'int64')
x[:] = np.array(range(L)) + np.random.randint(-4 * T, 4 * T, N).reshape(N, 1)
data = np.sin(x / 1.0 / T).astype('float64')

WINDOW = 6


class Sequence(nn.Module):
    def __init__(self):
        super(Sequence, self).__init__()
        self.mlp = nn.Sequential(nn.Linear(WINDOW, 24), nn.Tanh(), nn.Linear(24, 24), nn.Tanh(),
                                 nn.Linear(24, 1))

    def forward(self, input, future=0):
        # one prediction of the next value per window of WINDOW past values
        starts = torch.arange(input.size(1) - WINDOW + 1)
        windows = input[:, starts.unsqueeze(1) + torch.arange(WINDOW)]
        outputs = self.mlp(windows).squeeze(2)
        last = input[:, -WINDOW:]
        future_outputs = []
        for i in range(future):  # if we should predict the future
            output = self.mlp(last)
            future_outputs.append(output)
            last = torch.cat([last[:, 1:], output], 1)
        if future:
            outputs = torch.cat([outputs] + future_outputs, 1)
        return outputs


weights_rng = np.random.default_rng(5)
initial_state = {}
for name, shape in [("mlp.0.weight", (24, WINDOW)), ("mlp.0.bias", (24,)), ("mlp.2.weight", (24, 24)),
                    ("mlp.2.bias", (24,)), ("mlp.4.weight", (1, 24)), ("mlp.4.bias", (1,))]:
    bound = 1 / np.sqrt(shape[-1]) if name.endswith("weight") else 0.1
    initial_state[name] = weights_rng.uniform(-bound, bound, shape)


def make_model(dtype):
    seq = Sequence()
    seq.load_state_dict({k: torch.tensor(v, dtype=dtype) for k, v in initial_state.items()})
    return seq


def split(dtype):  # as train.py: the first three waves test, the others train
    input = torch.from_numpy(data[3:, :-1]).to(dtype)
    target = torch.from_numpy(data[3:, WINDOW:]).to(dtype)
    test_input = torch.from_numpy(data[:3, :-1]).to(dtype)
    test_target = torch.from_numpy(data[:3, WINDOW:]).to(dtype)
    return input, target, test_input, test_target


results = {}
criterion = nn.MSELoss()

# ---- first-order optimizers, float32, full-batch steps ---------------------------------------
first_order = {
    "sgd_momentum": lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
    "sgd_nesterov": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
    "adam": lambda p: optim.Adam(p, lr=0.01),
    "adamw": lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.05),
    "rmsprop": lambda p: optim.RMSprop(p, lr=5e-4),
    "adagrad": lambda p: optim.Adagrad(p, lr=0.05, lr_decay=1e-3, initial_accumulator_value=0.1),
}
input, target, test_input, test_target = split(torch.float32)
for label, make_optimizer in first_order.items():
    seq = make_model(torch.float32)
    optimizer = make_optimizer(seq.parameters())
    losses = []
    for i in range(150):
        optimizer.zero_grad()
        out = seq(input)
        loss = criterion(out, target)
        loss.backward()
        optimizer.step()
        if i % 50 == 49:
            losses.append(loss.item())
    with torch.no_grad():
        pred = seq(test_input, future=10)
        test_loss = criterion(pred[:, :-10], test_target).item()
    state = optimizer.state_dict()
    print(f"{label:>12}: train loss {loss.item():.6f}  test loss {test_loss:.6f}")
    results[label] = {"losses": losses, "test_loss": test_loss, "future": pred[0, -10:].tolist(),
                      "state_keys": sorted(state["state"][0]), "steps": len(state["state"]),
                      "lr": state["param_groups"][0]["lr"]}

# ---- LBFGS, as train.py: double precision, a closure, the test loss after each step ----------
input, target, test_input, test_target = split(torch.float64)
seq = make_model(torch.float32)
seq.double()
criterion = nn.MSELoss()
# use LBFGS as optimizer since we can load the whole data to train
optimizer = optim.LBFGS(seq.parameters(), lr=1, line_search_fn="strong_wolfe")
lbfgs = {"closure_losses": [], "test_losses": []}
# begin to train
for i in range(2):
    print('STEP: ', i)

    def closure():
        optimizer.zero_grad()
        out = seq(input)
        loss = criterion(out, target)
        print('loss:', loss.item())
        lbfgs["closure_losses"].append(loss.item())
        loss.backward()
        return loss
    optimizer.step(closure)
    # begin to predict, no need to track gradient here
    with torch.no_grad():
        future = 20
        pred = seq(test_input, future=future)
        loss = criterion(pred[:, :-future], test_target)
        print('test loss:', loss.item())
        lbfgs["test_losses"].append(loss.item())
        y = pred.detach().numpy()
lbfgs["evaluations"] = len(lbfgs["closure_losses"])
lbfgs["future"] = y[0, -future:].tolist()
lbfgs["dtype"] = str(pred.dtype)
lbfgs["n_iter"] = optimizer.state_dict()["state"][0]["n_iter"]
results["lbfgs"] = lbfgs

print("RESULT", json.dumps(results))
