"""The device idioms of the tutorials: pick "cuda" when available, move model and data with
.to(device), check where tensors live, train a small classifier."""

import json

import numpy as np
import torch
from torch import nn, optim

device = "cuda" if torch.cuda.is_available() else "cpu"
if torch.backends.mps.is_available():
    device = "mps"
accelerator = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else None
print(f"Using {device} device (accelerator: {accelerator})")
torch.manual_seed(0)
torch.cuda.manual_seed_all(0)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False

rng = np.random.default_rng(1)
features = rng.standard_normal((64, 4)).astype(np.float32)
labels = (features[:, 0] + features[:, 1] > 0).astype(np.int64)

model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)).to(device)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy(rng.uniform(-0.5, 0.5, tuple(p.shape)).astype(np.float32)))
x = torch.from_numpy(features).to(device)
y = torch.from_numpy(labels).to(torch.device(device))
assert x.device == torch.device("cpu") and str(x.device) == "cpu" and not x.is_cuda
assert next(model.parameters()).device.type == "cpu"

loss_fn = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.5)
for epoch in range(50):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
accuracy = (model(x).argmax(1) == y).float().mean().item()
print(f"loss {loss.item():.4f} accuracy {accuracy:.3f}")
print("RESULT", json.dumps({"loss": loss.item(), "accuracy": accuracy,
                            "cpu": x.cpu().sum().item()}))
