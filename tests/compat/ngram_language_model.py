""""Word Embeddings: Encoding Lexical Semantics" (pytorch.org/tutorials/beginner/nlp/
word_embeddings_tutorial): the nn.Embedding look-up of "hello", then the N-Gram Language
Modeling example on Shakespeare's Sonnet 2: (context, target) trigrams, word_to_ix,
NGramLanguageModeler(nn.Module) of nn.Embedding, two nn.Linear and F.log_softmax, nn.NLLLoss(),
optim.SGD(lr=0.001), one example at a time with torch.tensor([...], dtype=torch.long),
model.zero_grad(), total_loss += loss.item(), and the learnt embedding of "beauty". The
vocabulary is sorted (the tutorial enumerates a set, whose order changes with Python's string
hashing from one process to the next) and the initial weights, torch.manual_seed's in the
tutorial, are copied in from NumPy, so that both libraries start from the same model."""

import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(1)
rng = np.random.default_rng(1)
results = {}

word_to_ix = {"hello": 0, "world": 1}
embeds = nn.Embedding(2, 5)  # 2 words in vocab, 5 dimensional embeddings
with torch.no_grad():  # the tutorial's values come from torch.manual_seed(1): NumPy's here
    embeds.weight.copy_(torch.from_numpy(rng.standard_normal((2, 5)).astype(np.float32)))
lookup_tensor = torch.tensor([word_to_ix["hello"]], dtype=torch.long)
hello_embed = embeds(lookup_tensor)
print(hello_embed)
results["hello"] = {"embed": hello_embed.tolist(), "repr": repr(hello_embed),
                    "shape": list(hello_embed.shape)}

CONTEXT_SIZE = 2
EMBEDDING_DIM = 10
# We will use Shakespeare Sonnet 2
test_sentence = """When forty winters shall besiege thy brow,
And dig deep trenches in thy beauty's field,
Thy youth's proud livery so gazed on now,
Will be a totter'd weed of small worth held:
Then being asked, where all thy beauty lies,
Where all the treasure of thy lusty days;
To say, within thine own deep sunken eyes,
Were an all-eating shame, and thriftless praise.
How much more praise deserv'd thy beauty's use,
If thou couldst answer 'This fair child of mine
Shall sum my count, and make my old excuse,'
Proving his beauty by succession thine!
This were to be new made when thou art old,
And see thy blood warm when thou feel'st it cold.""".split()
# we should tokenize the input, but we will ignore that for now
# build a list of tuples.
# Each tuple is ([ word_i-CONTEXT_SIZE, ..., word_i-1 ], target word)
ngrams = [
    (
        [test_sentence[i - j - 1] for j in range(CONTEXT_SIZE)],
        test_sentence[i]
    )
    for i in range(CONTEXT_SIZE, len(test_sentence))
]
# Print the first 3, just so you can see what they look like.
print(ngrams[:3])

vocab = sorted(set(test_sentence))  # the tutorial: set(test_sentence)
word_to_ix = {word: i for i, word in enumerate(vocab)}


class NGramLanguageModeler(nn.Module):

    def __init__(self, vocab_size, embedding_dim, context_size):
        super(NGramLanguageModeler, self).__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.linear1 = nn.Linear(context_size * embedding_dim, 128)
        self.linear2 = nn.Linear(128, vocab_size)

    def forward(self, inputs):
        embeds = self.embeddings(inputs).view((1, -1))
        out = F.relu(self.linear1(embeds))
        out = self.linear2(out)
        log_probs = F.log_softmax(out, dim=1)
        return log_probs


losses = []
loss_function = nn.NLLLoss()
model = NGramLanguageModeler(len(vocab), EMBEDDING_DIM, CONTEXT_SIZE)
with torch.no_grad():  # the same starting point on both libraries
    model.embeddings.weight.copy_(torch.from_numpy(
        rng.standard_normal((len(vocab), EMBEDDING_DIM)).astype(np.float32)))
    for layer in (model.linear1, model.linear2):
        bound = 1 / np.sqrt(layer.in_features)
        layer.weight.copy_(torch.from_numpy(
            rng.uniform(-bound, bound, tuple(layer.weight.shape)).astype(np.float32)))
        layer.bias.copy_(torch.from_numpy(
            rng.uniform(-bound, bound, tuple(layer.bias.shape)).astype(np.float32)))
optimizer = optim.SGD(model.parameters(), lr=0.001)

for epoch in range(10):
    total_loss = 0
    for context, target in ngrams:

        # Step 1. Prepare the inputs to be passed to the model (i.e, turn the words
        # into integer indices and wrap them in tensors)
        context_idxs = torch.tensor([word_to_ix[w] for w in context], dtype=torch.long)

        # Step 2. Recall that torch *accumulates* gradients. Before passing in a
        # new instance, you need to zero out the gradients from the old
        # instance
        model.zero_grad()

        # Step 3. Run the forward pass, getting log probabilities over next
        # words
        log_probs = model(context_idxs)

        # Step 4. Compute your loss function. (Again, Torch wants the target
        # word wrapped in a tensor)
        loss = loss_function(log_probs, torch.tensor([word_to_ix[target]], dtype=torch.long))

        # Step 5. Do the backward pass and update the gradient
        loss.backward()
        optimizer.step()

        # Get the Python number from a Tensor
        total_loss += loss.item()
    losses.append(total_loss)
print(losses)  # The loss decreased every iteration over the training data!

# To get the embedding of a particular word, e.g. "beauty"
print(model.embeddings.weight[word_to_ix["beauty"]])

with torch.no_grad():  # beyond the tutorial: what the model now predicts after "When forty"
    context_idxs = torch.tensor([word_to_ix[w] for w in ngrams[0][0]], dtype=torch.long)
    prediction = vocab[model(context_idxs).argmax(1).item()]
print(f"after {ngrams[0][0]}: {prediction!r}")

results.update({
    "ngrams": ngrams[:3], "vocab_size": len(vocab), "losses": losses,
    "beauty": model.embeddings.weight[word_to_ix["beauty"]].tolist(),
    "embedding_grad": model.embeddings.weight.grad[word_to_ix[ngrams[-1][0][0]]].tolist(),
    "prediction": prediction, "embedding": repr(model.embeddings),
    "parameters": [list(p.shape) for p in model.parameters()],
})
print("RESULT", json.dumps(results))
