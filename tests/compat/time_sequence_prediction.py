"""pytorch/examples time_sequence_prediction: the sine waves of its generate_sine_wave.py (made
with NumPy, here 10 waves of length 80 instead of 100 of 1000, kept in memory instead of
traindata.pt), and its train.py: Sequence(nn.Module) of two nn.LSTMCell(51) and an nn.Linear,
stepping through input.split(1, dim=1) from torch.zeros(..., dtype=torch.double) states and
predicting the future from its own outputs; seq.double(), nn.MSELoss and optim.LBFGS(lr=0.8)
with a closure, the test loss and prediction under torch.no_grad() after each step (2 steps
instead of 15, no plots). The weights are loaded from NumPy by state_dict key so that both
libraries start from the same network."""

import json

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

# ---- generate_sine_wave.py -----------------------------------------------------------------
np.random.seed(2)

T = 20
L = 80
N = 10
x = np.empty((N, L), 'int64')
x[:] = np.array(range(L)) + np.random.randint(-4 * T, 4 * T, N).reshape(N, 1)
data = np.sin(x / 1.0 / T).astype('float64')


# ---- train.py ------------------------------------------------------------------------------
class Sequence(nn.Module):
    def __init__(self):
        super(Sequence, self).__init__()
        self.lstm1 = nn.LSTMCell(1, 51)
        self.lstm2 = nn.LSTMCell(51, 51)
        self.linear = nn.Linear(51, 1)

    def forward(self, input, future = 0):
        outputs = []
        h_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)

        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):# if we should predict the future
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        outputs = torch.cat(outputs, dim=1)
        return outputs


if __name__ == '__main__':
    steps = 2
    # set random seed to 0
    np.random.seed(0)
    torch.manual_seed(0)
    # load data and make training set
    input = torch.from_numpy(data[3:, :-1])
    target = torch.from_numpy(data[3:, 1:])
    test_input = torch.from_numpy(data[:3, :-1])
    test_target = torch.from_numpy(data[:3, 1:])
    # build the model
    seq = Sequence()
    seq.double()
    # the same starting point on both libraries: PyTorch's U(-1/sqrt(51), 1/sqrt(51)), by NumPy
    seq.load_state_dict({key: torch.from_numpy(np.random.uniform(-51 ** -0.5, 51 ** -0.5, tuple(value.shape)))
                         for key, value in seq.state_dict().items()})
    criterion = nn.MSELoss()
    # use LBFGS as optimizer since we can load the whole data to train
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8)
    losses, test_losses = [], []
    # begin to train
    for i in range(steps):
        print('STEP: ', i)

        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            print('loss:', loss.item())
            losses.append(loss.item())
            loss.backward()
            return loss
        optimizer.step(closure)
        # begin to predict, no need to track gradient here
        with torch.no_grad():
            future = 20
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            print('test loss:', loss.item())
            test_losses.append(loss.item())
            y = pred.detach().numpy()

    print("RESULT", json.dumps({"losses": losses, "test_losses": test_losses,
                                "shape": list(y.shape), "future": y[:, -5:].tolist(),
                                "fitted": y[0, 10:15].tolist()}))
