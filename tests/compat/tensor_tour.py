"""A tour of tensors (the "Tensors" tutorial): creation, attributes, indexing, joining,
arithmetic, in-place ops, the NumPy bridge, shapes and types."""

import json

import numpy as np
import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
x_ones = torch.ones_like(x_data)
x_rand = torch.rand_like(x_data, dtype=torch.float)
shape = (2, 3)
zeros = torch.zeros(shape)
print(f"Shape of tensor: {zeros.shape}\nDatatype of tensor: {zeros.dtype}\nDevice: {zeros.device}")
assert zeros.shape == torch.Size([2, 3]) and zeros.size(1) == 3 and x_rand.dtype == torch.float32

tensor = torch.arange(16, dtype=torch.float32).reshape(4, 4)
first_row, first_col, last_col = tensor[0], tensor[:, 0], tensor[..., -1]
tensor[:, 1] = 0
t1 = torch.cat([tensor, tensor, tensor], dim=1)
stacked = torch.stack([tensor[0], tensor[1]])

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
z1 = tensor * tensor
z2 = tensor.mul(tensor)
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))

tensor.add_(5)
tensor.mul_(0.5)
tensor.clamp_(min=3)

t = torch.ones(5)
n = t.numpy()
t.add_(1)
assert n[0] == 2.0  # the array shares memory with the tensor
n2 = np.ones(5)
t2 = torch.from_numpy(n2)
np.add(n2, 1, out=n2)
assert t2[0].item() == 2.0

v = torch.arange(12)
views = [v.view(3, 4).shape[0], v.reshape(2, -1).shape[1], v.view(-1, 6).t().shape[0],
         v.unsqueeze(0).shape[0], v.view(3, 4).permute(1, 0).shape[0],
         v.view(3, 4).transpose(0, 1).contiguous().shape[1], v.flatten().nelement()]
types = [v.float().dtype == torch.float32, v.double().dtype == torch.float64,
         v.long().dtype == torch.int64, v.type(torch.float).dtype == torch.float32,
         v.to(torch.float16).element_size(), (v > 5).sum().item(), v.type()]
masked = v[v % 2 == 0].tolist()
gathered = torch.gather(v.view(3, 4), 1, torch.tensor([[0], [1], [2]])).flatten().tolist()
print("RESULT", json.dumps({
    "first": [first_row.tolist(), first_col.tolist(), last_col.tolist()],
    "cat": list(t1.shape), "stacked": list(stacked.shape), "y": [y1.sum().item(),
    y2.sum().item(), y3.sum().item()], "z": [z1.sum().item(), z2.sum().item()], "agg": agg_item,
    "inplace": tensor.tolist(), "numpy": [t.tolist(), t2.tolist()], "views": views,
    "types": types, "masked": masked, "gathered": gathered}))
