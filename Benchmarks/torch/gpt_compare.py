"""PyTorch's side of the GPT comparison (Benchmarks/gpt-compare.sh runs both sides; ours is the Swift
executable `gpt-compare`, with the same flags and output).

The same architecture as Sources/Transformer (Specs/model.md), written as a competent user writes eager
PyTorch (nanoGPT style): nn.Linear layers, F.scaled_dot_product_attention(is_causal=True) for training,
torch.optim.AdamW, and sampling under torch.inference_mode() with a preallocated per-layer KV cache and
torch.multinomial on the softmax. With `--compile`, the train step as torch.compile makes it: the model
(forward and, through AOTAutograd, backward) and the optimizer's step each `torch.compile`d with the default
inductor backend (a C++ compiler is needed on the CPU); the check then runs the compiled step too.
Sampling is not compiled: its cache slices grow by one position per step, a new shape each time.

    python3 gpt_compare.py --workload train|sample64|sample512 [--repeats N] [--warmup N] [--threads N]
                           [--weights DIR]
    python3 gpt_compare.py --check DIR     (the same-function check against `gpt-compare --export-weights DIR`)
    python3 gpt_compare.py --compile --workload train ... | --compile --check DIR

Prints one JSON line per timed workload (the fields of ours, with "side": "pytorch" or "torch.compile").
"""

import argparse
import json
import math
import os
import statistics
import struct
import sys
import time

# The workload (Benchmarks/README.md, "gpt-compare"), identical to Benchmarks/Sources/gpt-compare/Workload.swift.
LAYERS, WIDTH, HEADS, CONTEXT, VOCABULARY = 4, 128, 4, 128, 32
BATCH, LENGTH, NEW_TOKENS = 64, 64, 64
LEARNING_RATE, WEIGHT_DECAY = 3e-4, 0.01
SEQUENCES = {"train": None, "sample64": 64, "sample512": 512}

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--workload", choices=sorted(SEQUENCES), default="train")
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--warmup", type=int, default=1)
parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: OMP_NUM_THREADS or all cores)")
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--weights", help="load weights.safetensors from DIR (else nanoGPT's initialisation)")
parser.add_argument("--check", metavar="DIR", help="check the loss against `gpt-compare --export-weights DIR`, then exit")
parser.add_argument("--compile", action="store_true", help="torch.compile the train step (train workload and --check)")
arguments = parser.parse_args()
if arguments.compile and arguments.workload != "train" and not arguments.check:
    parser.error(f"--compile times the train step only, not --workload {arguments.workload}")

# The OpenMP and MKL pools read these when torch is imported.
if arguments.threads is not None:
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(arguments.threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

if arguments.threads is not None:
    torch.set_num_threads(arguments.threads)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
        self.output = nn.Linear(WIDTH, WIDTH)

    def heads(self, x):
        """[B, T, 3d] -> q, k, v as [B, H, T, d/H] (GPT-2's c_attn column layout)."""
        b, t, _ = x.shape
        return (part.view(b, t, HEADS, WIDTH // HEADS).transpose(1, 2) for part in x.split(WIDTH, dim=2))

    def merged(self, y):
        b, _, t, _ = y.shape
        return self.output(y.transpose(1, 2).contiguous().view(b, t, WIDTH))

    def forward(self, x):
        q, k, v = self.heads(self.qkv(x))
        return self.merged(F.scaled_dot_product_attention(q, k, v, is_causal=True))

    def step(self, x, cache, position):
        """One new position per sequence: x [B, 1, d]; cache (keys, values), each [B, H, context, d/H]."""
        q, k, v = self.heads(self.qkv(x))
        keys, values = cache
        keys[:, :, position] = k[:, :, 0]
        values[:, :, position] = v[:, :, 0]
        end = position + 1
        # Written out rather than F.scaled_dot_product_attention: for one query over the cache it is the
        # faster of the two here (measured 15-25% at 64 and 512 sequences, 1 thread, torch 2.15).
        scores = (q @ keys[:, :, :end].transpose(-2, -1)) * (1.0 / math.sqrt(WIDTH // HEADS))
        return self.merged(F.softmax(scores, dim=-1) @ values[:, :, :end])


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.Linear(WIDTH, 4 * WIDTH)
        self.gelu = nn.GELU(approximate="tanh")
        self.down = nn.Linear(4 * WIDTH, WIDTH)

    def forward(self, x):
        return self.down(self.gelu(self.up(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention_norm = nn.LayerNorm(WIDTH)  # eps 1e-5, as ours
        self.attention = Attention()
        self.mlp_norm = nn.LayerNorm(WIDTH)
        self.mlp = MLP()

    def forward(self, x):
        x = x + self.attention(self.attention_norm(x))
        return x + self.mlp(self.mlp_norm(x))

    def step(self, x, cache, position):
        x = x + self.attention.step(self.attention_norm(x), cache, position)
        return x + self.mlp(self.mlp_norm(x))


class GPT(nn.Module):
    """Module names follow our parameter names (Specs/model.md), so loading our weights is a renaming."""

    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCABULARY, WIDTH)
        self.position_embedding = nn.Embedding(CONTEXT, WIDTH)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.final_norm = nn.LayerNorm(WIDTH)
        self.lm_head = nn.Linear(WIDTH, VOCABULARY, bias=False)
        for name, parameter in self.named_parameters():  # nanoGPT's initialisation
            if parameter.dim() == 2:
                std = 0.02 / math.sqrt(2 * LAYERS) if name.endswith(("output.weight", "down.weight")) else 0.02
                nn.init.normal_(parameter, std=std)
            elif name.endswith("bias"):
                nn.init.zeros_(parameter)

    def forward(self, tokens):
        positions = torch.arange(tokens.shape[1])
        x = self.token_embedding(tokens) + self.position_embedding(positions)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.final_norm(x))

    def step(self, tokens, caches, position):
        """Logits [B, V] of one new token per sequence at `position`, through the KV caches."""
        x = (self.token_embedding(tokens) + self.position_embedding.weight[position])[:, None, :]
        for block, cache in zip(self.blocks, caches):
            x = block.step(x, cache, position)
        return self.lm_head(self.final_norm(x))[:, 0]


def read_safetensors(path):
    """{name: float32 tensor} from a safetensors file (F32 only, as our checkpoints of a Float model are)."""
    with open(path, "rb") as file:
        data = file.read()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_length])
    header.pop("__metadata__", None)
    base = 8 + header_length
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", f"{name}: dtype {entry['dtype']}"
        begin, end = entry["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=torch.float32).view(entry["shape"])
    return tensors


def load_our_weights(model, directory, file="weights.safetensors"):
    """Our names and [in, out] layout into the modules: nn.Linear keeps [out, in], so linear weights are transposed."""
    state = {}
    for name, tensor in read_safetensors(os.path.join(directory, file)).items():
        if name in ("token_embedding", "position_embedding"):
            state[name + ".weight"] = tensor
        elif name.endswith(".scale"):
            state[name[:-len(".scale")] + ".weight"] = tensor
        elif name.endswith(".offset"):
            state[name[:-len(".offset")] + ".bias"] = tensor
        elif name.endswith(".weight"):
            state[name] = tensor.t().contiguous()
        else:
            state[name] = tensor
    model.load_state_dict(state, strict=True)


def train_step(model, optimizer, inputs, targets):
    logits = compiled(model)(inputs)
    loss = F.cross_entropy(logits.view(-1, VOCABULARY), targets.view(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer_step(optimizer)()
    return loss.item()


_compiled = {}


def compiled(model):
    """The model itself, or with --compile its torch.compile'd module (one per model)."""
    if not arguments.compile:
        return model
    return _compiled.setdefault(id(model), torch.compile(model))


def optimizer_step(optimizer):
    """optimizer.step, or with --compile the compiled function that calls it (one per optimizer)."""
    if not arguments.compile:
        return optimizer.step
    return _compiled.setdefault(id(optimizer), torch.compile(lambda: optimizer.step()))


def make_optimizer(model):
    return torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), weight_decay=WEIGHT_DECAY)


@torch.inference_mode()
def sample(model, sequences, new_tokens=NEW_TOKENS, temperature=1.0):
    """`new_tokens` tokens for each of `sequences` one-token prompts (token 0), temperature 1, no top-p, no EOS."""
    head_width = WIDTH // HEADS
    caches = [(torch.empty(sequences, HEADS, CONTEXT, head_width), torch.empty(sequences, HEADS, CONTEXT, head_width))
              for _ in range(LAYERS)]
    tokens = torch.zeros(sequences, dtype=torch.long)
    output = torch.empty(sequences, new_tokens, dtype=torch.long)
    for position in range(new_tokens):
        probabilities = F.softmax(model.step(tokens, caches, position) / temperature, dim=-1)
        tokens = torch.multinomial(probabilities, 1)[:, 0]
        output[:, position] = tokens
    return output


@torch.inference_mode()
def cached_logits(model, tokens):
    """The logits [B, T, V] of `tokens` computed position by position through the KV cache."""
    b, t = tokens.shape
    caches = [(torch.empty(b, HEADS, CONTEXT, WIDTH // HEADS), torch.empty(b, HEADS, CONTEXT, WIDTH // HEADS))
              for _ in range(LAYERS)]
    return torch.stack([model.step(tokens[:, p], caches, p) for p in range(t)], dim=1)


def relative(a, b):
    return abs(a - b) / abs(b)


def check(directory):
    """Same function, against `gpt-compare --export-weights DIR` (1e-4 relative for losses, 1e-5 norm-wise
    for logits; Float rounding alone gives about 5e-7 here):
    - our initial weights give our loss on our batch (the comparison's required check);
    - our order-1 random weights give our logits: at the initialisation the logits are nearly 0 and the
      biases 0, so this is what catches a wrong layout, normalisation, activation or attention scale;
    - our AdamW steps from the initial weights give our losses and our parameter updates (norm-wise over
      all parameters, bound 2e-4): rounding gives about 2e-5 (the key bias has a gradient of pure rounding
      noise, which Adam scales up to the learning rate), while weight decay 0.1 instead of 0.01 gives 5e-3
      and beta2 0.99 instead of 0.999 gives 1e-3 (betas act from the second step on);
    - the KV-cache path that sampling uses gives the full forward's logits."""
    with open(os.path.join(directory, "check.json")) as file:
        expected = json.load(file)
    rows = torch.tensor(expected["tokens"], dtype=torch.long)
    inputs, targets = rows[:, :-1].contiguous(), rows[:, 1:].contiguous()
    results = []

    def close(what, error, bound):
        results.append(error <= bound)
        print(f"same-function check{' (torch.compile)' if arguments.compile else ''}: {what}: relative difference {error:.1e} (bound {bound:g}) "
              f"{'ok' if error <= bound else 'FAILED'}")

    def norm_error(theirs, ours):
        return ((theirs - ours).norm() / ours.norm()).item()

    random = GPT()
    load_our_weights(random, directory, "weights-random.safetensors")
    with torch.no_grad():
        logits = compiled(random)(inputs)
    close("logits of our order-1 random weights", norm_error(logits, read_safetensors(os.path.join(directory, "logits-random.safetensors"))["logits"]), 1e-5)
    close("PyTorch's KV-cache logits against its full forward", norm_error(cached_logits(random, inputs[:8]), logits[:8]), 1e-5)

    model = GPT()
    load_our_weights(model, directory)
    initial = [p.detach().clone() for p in model.parameters()]
    optimizer = make_optimizer(model)
    for step, ours in enumerate(expected["losses"]):
        loss = train_step(model, optimizer, inputs, targets)
        close(f"loss before AdamW step {step + 1} (PyTorch {loss:.7f}, ours {ours:.7f})", relative(loss, ours), 1e-4)
    trained = GPT()
    load_our_weights(trained, directory, "weights-trained.safetensors")
    updates = [torch.cat([(p.detach() - p0).flatten() for p, p0 in zip(m.parameters(), initial)]) for m in (model, trained)]
    close(f"parameter updates of {len(expected['losses'])} AdamW steps", norm_error(*updates), 2e-4)
    return all(results)


def main():
    if arguments.check:
        sys.exit(0 if check(arguments.check) else 1)
    torch.manual_seed(arguments.seed)
    model = GPT()
    if arguments.weights:
        load_our_weights(model, arguments.weights)
    sequences = SEQUENCES[arguments.workload]
    if sequences is None:
        rows = torch.randint(VOCABULARY, (BATCH, LENGTH + 1))
        inputs, targets = rows[:, :-1].contiguous(), rows[:, 1:].contiguous()
        optimizer = make_optimizer(model)
        run, tokens_per_run = (lambda: train_step(model, optimizer, inputs, targets)), BATCH * LENGTH
    else:
        model.eval()
        run, tokens_per_run = (lambda: sample(model, sequences)), sequences * NEW_TOKENS
    seconds = []
    for index in range(arguments.warmup + arguments.repeats):
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
        if index >= arguments.warmup:
            seconds.append(elapsed)
    rates = [tokens_per_run / s for s in seconds]
    print(json.dumps({
        "side": "torch.compile" if arguments.compile else "pytorch", "workload": arguments.workload, "threads": torch.get_num_threads(),
        "tokens_per_run": tokens_per_run, "warmup": arguments.warmup, "repeats": arguments.repeats,
        "seconds": seconds, "median_tokens_per_second": statistics.median(rates),
        "min_tokens_per_second": min(rates), "max_tokens_per_second": max(rates), "torch": torch.__version__,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
