"""pytorch/examples word_language_model: data.py's Dictionary and Corpus (tokenizing lines with
<eos>), main.py's batchify, get_batch, repackage_hidden, train() with model.zero_grad(),
clip_grad_norm_ and the manual update p.data.add_(p.grad, alpha=-lr), evaluate() under
torch.no_grad(), the learning rate divided by 4 when validation stops improving, and model.py's
RNNModel (nn.Embedding, nn.LSTM over nlayers with dropout, nn.Linear decoder, init_weights,
init_hidden with weight.new_zeros, log_softmax with nn.NLLLoss). Then the model reads a padded
batch of sentences of different lengths with nn.utils.rnn.pad_sequence,
pack_padded_sequence(enforce_sorted=False) and pad_packed_sequence, as one feeds an nn.LSTM
variable-length input. The corpus is a small synthetic text (no download), the sizes tiny and
dropout 0 so that both libraries compute the same numbers; the parameters are loaded from NumPy
by state_dict key."""

import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

rng = np.random.default_rng(3)


# ---- data.py ------------------------------------------------------------------------------
class Dictionary(object):  # noqa: UP004 - as data.py writes it
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus(object):  # noqa: UP004
    def __init__(self, texts):
        self.dictionary = Dictionary()
        self.train = self.tokenize(texts['train'])
        self.valid = self.tokenize(texts['valid'])
        self.test = self.tokenize(texts['test'])

    def tokenize(self, lines):
        """Tokenizes a text (here a list of lines instead of a file)."""
        # Add words to the dictionary
        for line in lines:
            words = line.split() + ['<eos>']
            for word in words:
                self.dictionary.add_word(word)

        # Tokenize file content
        idss = []
        for line in lines:
            words = line.split() + ['<eos>']
            ids = []
            for word in words:
                ids.append(self.dictionary.word2idx[word])
            idss.append(torch.tensor(ids).type(torch.int64))
        ids = torch.cat(idss)

        return ids


# ---- model.py ------------------------------------------------------------------------------
class RNNModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ['LSTM', 'GRU']:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            try:
                nonlinearity = {'RNN_TANH': 'tanh', 'RNN_RELU': 'relu'}[rnn_type]
            except KeyError as e:
                raise ValueError("""An invalid option for `--model` was supplied,
                                 options are ['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU']""") from e
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)

        # Optionally tie weights as in:
        # "Using the Output Embedding to Improve Language Models" (Press & Wolf 2016)
        if tie_weights:
            if nhid != ninp:
                raise ValueError('When using the tied flag, nhid must be equal to emsize')
            self.decoder.weight = self.encoder.weight

        self.init_weights()

        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))
        else:
            return weight.new_zeros(self.nlayers, bsz, self.nhid)


# ---- main.py -------------------------------------------------------------------------------
nouns, verbs = ["cat", "dog", "bird", "fish"], ["sees", "likes", "eats"]


def text(n):
    return [f"the {nouns[rng.integers(4)]} {verbs[rng.integers(3)]} the {nouns[rng.integers(4)]}"
            for _ in range(n)]


corpus = Corpus({'train': text(30), 'valid': text(8), 'test': text(8)})


def batchify(data, bsz):
    # Work out how cleanly we can divide the dataset into bsz parts.
    nbatch = data.size(0) // bsz
    # Trim off any extra elements that wouldn't cleanly fit (remainders).
    data = data.narrow(0, 0, nbatch * bsz)
    # Evenly divide the data across the bsz batches.
    data = data.view(bsz, -1).t().contiguous()
    return data


batch_size, eval_batch_size, bptt, clip = 4, 2, 8, 0.25
train_data = batchify(corpus.train, batch_size)
val_data = batchify(corpus.valid, eval_batch_size)
test_data = batchify(corpus.test, eval_batch_size)

ntokens = len(corpus.dictionary)
model = RNNModel('LSTM', ntokens, 12, 16, 2, dropout=0.0)
state = model.state_dict()  # the same starting point on both libraries
for key, value in state.items():
    state[key] = torch.from_numpy(rng.uniform(-0.25, 0.25, tuple(value.shape)).astype(np.float32))
model.load_state_dict(state)
criterion = nn.NLLLoss()


def repackage_hidden(h):
    """Wraps hidden states in new Tensors, to detach them from their history."""

    if isinstance(h, torch.Tensor):
        return h.detach()
    else:
        return tuple(repackage_hidden(v) for v in h)


def get_batch(source, i):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i+seq_len]
    target = source[i+1:i+1+seq_len].view(-1)
    return data, target


def evaluate(data_source):
    # Turn on evaluation mode which disables dropout.
    model.eval()
    total_loss = 0.
    hidden = model.init_hidden(eval_batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, bptt):
            data, targets = get_batch(data_source, i)
            output, hidden = model(data, hidden)
            hidden = repackage_hidden(hidden)
            total_loss += len(data) * criterion(output, targets).item()
    return total_loss / (len(data_source) - 1)


train_losses = []


def train():
    # Turn on training mode which enables dropout.
    model.train()
    hidden = model.init_hidden(batch_size)
    for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
        data, targets = get_batch(train_data, i)
        # Starting each batch, we detach the hidden state from how it was previously produced.
        # If we didn't, the model would try backpropagating all the way to start of the dataset.
        model.zero_grad()
        hidden = repackage_hidden(hidden)
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()

        # `clip_grad_norm` helps prevent the exploding gradient problem in RNNs / LSTMs.
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)

        train_losses.append(loss.item())
        print('| epoch {:3d} | {:5d}/{:5d} batches | lr {:02.2f} | loss {:5.2f} | ppl {:8.2f}'.format(
            epoch, batch, len(train_data) // bptt, lr, loss.item(), math.exp(loss.item())))


lr = 20
best_val_loss = None
val_losses = []
for epoch in range(1, 4):
    train()
    val_loss = evaluate(val_data)
    val_losses.append(val_loss)
    print('| end of epoch {:3d} | valid loss {:5.2f} | valid ppl {:8.2f}'.format(
        epoch, val_loss, math.exp(val_loss)))
    # Save the model if the validation loss is the best we've seen so far.
    if not best_val_loss or val_loss < best_val_loss:
        best_val_loss = val_loss
    else:
        # Anneal the learning rate if no improvement has been seen in the validation dataset.
        lr /= 4.0
test_loss = evaluate(test_data)
print('| End of training | test loss {:5.2f} | test ppl {:8.2f}'.format(test_loss, math.exp(test_loss)))

# ---- variable-length sentences through the same LSTM: pad, pack, run, unpack ----------------
sentences = [corpus.tokenize([line]) for line in ["the cat sees the dog", "the bird eats",
                                                  "the fish likes the cat", "the dog"]]
lengths = torch.tensor([len(s) for s in sentences])
padded = pad_sequence(sentences)  # (T, B), padded with 0
packed = pack_padded_sequence(model.encoder(padded), lengths, enforce_sorted=False)
model.zero_grad()
packed_output, (h_n, c_n) = model.rnn(packed)
output, output_lengths = pad_packed_sequence(packed_output)
logits = F.log_softmax(model.decoder(output), dim=2)
mask = torch.arange(padded.size(0)).unsqueeze(1) < lengths.unsqueeze(0)  # (T, B) real steps
next_tokens = torch.cat([padded[1:], torch.zeros(1, len(sentences), dtype=torch.int64)])
picked = logits.gather(2, next_tokens.unsqueeze(2)).squeeze(2)
packed_loss = -picked[:-1][mask[1:]].mean()  # the next-word loss over the real steps only
packed_loss.backward()

print("RESULT", json.dumps({
    "vocab": ntokens, "shapes": [list(train_data.shape), list(val_data.shape)],
    "train_losses": train_losses, "val_losses": val_losses, "lr": lr, "test_loss": test_loss,
    "packed": [packed.batch_sizes.tolist(), packed.sorted_indices.tolist(), list(output.shape),
               output_lengths.tolist(), list(h_n.shape)],
    "last_hidden": h_n[-1].sum(1).tolist(), "padding_zero": output[-1, 3].abs().sum().item(),
    "packed_loss": packed_loss.item(), "encoder_grad": model.encoder.weight.grad.abs().sum().item()}))
