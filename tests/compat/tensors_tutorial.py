"""The "Tensors" tutorial of Learn the Basics (pytorch.org/tutorials/beginner/basics/
tensorqs_tutorial), cell by cell: creation from data, from NumPy, from another tensor and from a
shape; attributes; moving to the accelerator; indexing and slicing; joining; arithmetic with
out=; single-element tensors; in-place operations; the NumPy bridge. RESULT compares what the
tutorial prints for every tensor whose values do not come from the random generator."""

import json

import numpy as np
import torch

printed = {}

# ---- Initializing a Tensor ------------------------------------------------------------------
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)

np_array = np.array(data)
x_np = torch.from_numpy(np_array)

x_ones = torch.ones_like(x_data)  # retains the properties of x_data
print(f"Ones Tensor: \n {x_ones} \n")
printed["x_ones"] = str(x_ones)

x_rand = torch.rand_like(x_data, dtype=torch.float)  # overrides the datatype of x_data
print(f"Random Tensor: \n {x_rand} \n")

shape = (2, 3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)

print(f"Random Tensor: \n {rand_tensor} \n")
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")
printed["ones_zeros"] = [str(ones_tensor), str(zeros_tensor)]
random_ok = bool(((rand_tensor >= 0) & (rand_tensor < 1)).all()) and x_rand.dtype == torch.float32

# ---- Attributes of a Tensor -----------------------------------------------------------------
tensor = torch.rand(3, 4)

print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
attributes = [list(tensor.shape), tensor.dtype == torch.float32, str(tensor.device),
              f"Shape of tensor: {tensor.shape}", f"Datatype of tensor: {tensor.dtype}"]

# ---- Operations on Tensors ------------------------------------------------------------------
# We move our tensor to the current accelerator if available
if torch.accelerator.is_available():
    tensor = tensor.to(torch.accelerator.current_accelerator())

tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)
printed["slices"] = [str(tensor[0]), str(tensor[:, 0]), str(tensor[..., -1]), str(tensor)]

t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
printed["t1"] = str(t1)

# This computes the matrix multiplication between two tensors. y1, y2, y3 will have the same value
# ``tensor.T`` returns the transpose of a tensor
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)

y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)

# This computes the element-wise product. z1, z2, z3 will have the same value
z1 = tensor * tensor
z2 = tensor.mul(tensor)

z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
printed["products"] = [str(y1), str(y3), str(z3)]
same = [torch.equal(y1, y2), torch.equal(y1, y3), torch.equal(z1, z2), torch.equal(z1, z3)]

agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
item = [agg_item, type(agg_item).__name__]

print(f"{tensor} \n")
tensor.add_(5)
print(tensor)
printed["add_"] = str(tensor)

# ---- Bridge with NumPy ----------------------------------------------------------------------
t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")

t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
bridge = [f"t: {t}", f"n: {n}"]

n = np.ones(5)
t = torch.from_numpy(n)

np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")
bridge += [f"t: {t}", f"n: {n}"]

print("RESULT", json.dumps({"printed": printed, "random_ok": random_ok, "attributes": attributes,
                            "same": same, "item": item, "bridge": bridge,
                            "x_np": x_np.tolist(), "x_data": x_data.tolist()}))
