"""JAX's side of the GPT comparison (Benchmarks/gpt-compare.sh runs every side; ours is the Swift executable
`gpt-compare`, eager PyTorch and torch.compile are ../torch/gpt_compare.py, with the same flags and output).

The same architecture as Sources/Transformer (Specs/model.md) in jax.numpy: the AdamW train step (forward,
`jax.grad`, PyTorch's AdamW) as one `jax.jit`, and KV-cache sampling as one `jax.jit` of a `lax.scan` over the
new positions (static shapes: the cache holds the whole context and each query's later positions are
masked, as a JAX user writes it).

    python3 gpt_compare_jax.py --workload train|sample64|sample512 [--repeats N] [--warmup N] [--threads N]
                               [--weights DIR]
    python3 gpt_compare_jax.py --check DIR     (the same-function check against `gpt-compare --export-weights DIR`)

Threads: `--threads N` restricts the process to the first N processors (`os.sched_setaffinity`) before JAX
is imported: XLA's CPU client sizes its thread pools by the processors the process may run on, and the
kernel keeps every thread on those N. With N = 1 it also sets `--xla_cpu_multi_thread_eigen=false
intra_op_parallelism_threads=1`. Prints one JSON line per timed workload (the fields of ours, with "side": "jax").
"""

import argparse
import json
import math
import os
import statistics
import struct
import sys
import time

LAYERS, WIDTH, HEADS, CONTEXT, VOCABULARY = 4, 128, 4, 128, 32
BATCH, LENGTH, NEW_TOKENS = 64, 64, 64
LEARNING_RATE, WEIGHT_DECAY, BETAS, EPS = 3e-4, 0.01, (0.9, 0.999), 1e-8
SEQUENCES = {"train": None, "sample64": 64, "sample512": 512}
HEAD = WIDTH // HEADS

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--workload", choices=sorted(SEQUENCES), default="train")
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--warmup", type=int, default=1)
parser.add_argument("--threads", type=int, help="processors the process may use (default: all)")
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--weights", help="load weights.safetensors from DIR (else random normal weights)")
parser.add_argument("--check", metavar="DIR", help="check against `gpt-compare --export-weights DIR`, then exit")
arguments = parser.parse_args()

if arguments.threads is not None:
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:arguments.threads])
    if arguments.threads == 1:
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false"
                                   " intra_op_parallelism_threads=1").strip()

import numpy as np  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_default_matmul_precision", "highest")


def read_safetensors(path):
    """{name: float32 array} from a safetensors file (F32 only)."""
    with open(path, "rb") as file:
        data = file.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    return {name: np.frombuffer(data[8 + length + e["data_offsets"][0]:8 + length + e["data_offsets"][1]],
                                dtype=np.float32).reshape(e["shape"]) for name, e in header.items()}


def load(directory, file="weights.safetensors"):
    """Our parameters by our names, linear weights kept [in, out] (x @ W)."""
    return {name: jnp.asarray(value) for name, value in read_safetensors(os.path.join(directory, file)).items()}


def random_parameters(seed):
    """Order-0.02 normal weights, zero biases, unit scales, under our names (when no --weights is given)."""
    rng = np.random.default_rng(seed)
    p = {"token_embedding": rng.normal(0, 0.02, (VOCABULARY, WIDTH)), "position_embedding": rng.normal(0, 0.02, (CONTEXT, WIDTH)),
         "final_norm.scale": np.ones(WIDTH), "final_norm.offset": np.zeros(WIDTH), "lm_head.weight": rng.normal(0, 0.02, (WIDTH, VOCABULARY))}
    for l in range(LAYERS):
        for norm in ("attention_norm", "mlp_norm"):
            p[f"blocks.{l}.{norm}.scale"], p[f"blocks.{l}.{norm}.offset"] = np.ones(WIDTH), np.zeros(WIDTH)
        for name, (i, o) in {"attention.qkv": (WIDTH, 3 * WIDTH), "attention.output": (WIDTH, WIDTH),
                             "mlp.up": (WIDTH, 4 * WIDTH), "mlp.down": (4 * WIDTH, WIDTH)}.items():
            p[f"blocks.{l}.{name}.weight"], p[f"blocks.{l}.{name}.bias"] = rng.normal(0, 0.02, (i, o)), np.zeros(o)
    return {k: jnp.asarray(v, dtype=jnp.float32) for k, v in p.items()}


def layer_norm(x, p, name):
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / jnp.sqrt(variance + 1e-5) * p[name + ".scale"] + p[name + ".offset"]


def linear(x, p, name):
    return x @ p[name + ".weight"] + p[name + ".bias"]


def mlp(x, p, l):
    return linear(jax.nn.gelu(linear(x, p, f"blocks.{l}.mlp.up"), approximate=True), p, f"blocks.{l}.mlp.down")


def split_heads(x):
    """[B, T, d] -> [B, H, T, d/H]."""
    b, t, _ = x.shape
    return x.reshape(b, t, HEADS, HEAD).transpose(0, 2, 1, 3)


def merge_heads(y):
    b, _, t, _ = y.shape
    return y.transpose(0, 2, 1, 3).reshape(b, t, WIDTH)


def attend(q, k, v, mask):
    scores = jnp.where(mask, (q @ k.swapaxes(-1, -2)) / math.sqrt(HEAD), -jnp.inf)
    return jax.nn.softmax(scores, axis=-1) @ v


def forward(p, tokens):
    """Logits [B, T, V]."""
    t = tokens.shape[1]
    x = p["token_embedding"][tokens] + p["position_embedding"][:t]
    causal = jnp.tril(jnp.ones((t, t), dtype=bool))
    for l in range(LAYERS):
        qkv = linear(layer_norm(x, p, f"blocks.{l}.attention_norm"), p, f"blocks.{l}.attention.qkv")
        q, k, v = (split_heads(part) for part in jnp.split(qkv, 3, axis=-1))
        x = x + linear(merge_heads(attend(q, k, v, causal)), p, f"blocks.{l}.attention.output")
        x = x + mlp(layer_norm(x, p, f"blocks.{l}.mlp_norm"), p, l)
    return layer_norm(x, p, "final_norm") @ p["lm_head.weight"]


def loss_of(p, inputs, targets):
    logits = forward(p, inputs)
    return -jnp.take_along_axis(jax.nn.log_softmax(logits, -1), targets[..., None], -1).mean()


@jax.jit
def train_step(p, m, v, step, inputs, targets):
    """One AdamW step as torch.optim.AdamW takes it (decoupled decay, bias corrections, eps after the root)."""
    loss, g = jax.value_and_grad(loss_of)(p, inputs, targets)
    (b1, b2), step = BETAS, step + 1
    m = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g, m, g)
    v = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, v, g)
    c1, c2 = 1 - b1 ** step, 1 - b2 ** step
    p = jax.tree.map(lambda p, m, v: p * (1 - LEARNING_RATE * WEIGHT_DECAY)
                     - (LEARNING_RATE / c1) * m / (jnp.sqrt(v) / jnp.sqrt(c2) + EPS), p, m, v)
    return p, m, v, step, loss


def decode_step(p, caches, tokens, position):
    """Logits [B, V] of one new token per sequence at `position`; caches: (keys, values) per layer, each
    [B, H, CONTEXT, d/H], updated in place of `position`."""
    x = (p["token_embedding"][tokens] + p["position_embedding"][position])[:, None, :]
    visible = (jnp.arange(CONTEXT) <= position)[None, None, None, :]
    updated = []
    for l, (keys, values) in enumerate(caches):
        qkv = linear(layer_norm(x, p, f"blocks.{l}.attention_norm"), p, f"blocks.{l}.attention.qkv")
        q, k, v = (split_heads(part) for part in jnp.split(qkv, 3, axis=-1))
        keys = jax.lax.dynamic_update_slice(keys, k, (0, 0, position, 0))
        values = jax.lax.dynamic_update_slice(values, v, (0, 0, position, 0))
        updated.append((keys, values))
        x = x + linear(merge_heads(attend(q, keys, values, visible)), p, f"blocks.{l}.attention.output")
        x = x + mlp(layer_norm(x, p, f"blocks.{l}.mlp_norm"), p, l)
    return (layer_norm(x, p, "final_norm") @ p["lm_head.weight"])[:, 0], updated


def empty_caches(sequences):
    shape = (sequences, HEADS, CONTEXT, HEAD)
    return [(jnp.zeros(shape, jnp.float32), jnp.zeros(shape, jnp.float32)) for _ in range(LAYERS)]


def sample(p, key, sequences):
    """NEW_TOKENS tokens for each of `sequences` one-token prompts (token 0), temperature 1, no top-p."""
    def body(carry, position):
        caches, tokens, key = carry
        logits, caches = decode_step(p, caches, tokens, position)
        key, draw = jax.random.split(key)
        tokens = jax.random.categorical(draw, logits)  # softmax(logits / 1)
        return (caches, tokens, key), tokens
    start = (empty_caches(sequences), jnp.zeros(sequences, jnp.int32), key)
    return jax.lax.scan(body, start, jnp.arange(NEW_TOKENS))[1].T


sample_jit = jax.jit(sample, static_argnums=2)


@jax.jit
def cached_logits(p, tokens):
    """Logits [B, T, V] of `tokens` computed position by position through the KV cache (the sampler's path)."""
    def body(caches, position):
        logits, caches = decode_step(p, caches, tokens[:, position], position)
        return caches, logits
    return jax.lax.scan(body, empty_caches(tokens.shape[0]), jnp.arange(tokens.shape[1]))[1].swapaxes(0, 1)


def check(directory):
    """The checks and bounds of ../torch/gpt_compare.py's `check`, for this side."""
    with open(os.path.join(directory, "check.json")) as file:
        expected = json.load(file)
    rows = jnp.asarray(expected["tokens"], dtype=jnp.int32)
    inputs, targets = rows[:, :-1], rows[:, 1:]
    results = []

    def close(what, error, bound):
        results.append(error <= bound)
        print(f"same-function check (jax): {what}: relative difference {error:.1e} (bound {bound:g}) "
              f"{'ok' if error <= bound else 'FAILED'}")

    def norm_error(theirs, ours):
        return float(jnp.linalg.norm((theirs - ours).ravel()) / jnp.linalg.norm(ours.ravel()))

    random = load(directory, "weights-random.safetensors")
    logits = jax.jit(forward)(random, inputs)
    close("logits of our order-1 random weights", norm_error(logits, jnp.asarray(read_safetensors(os.path.join(directory, "logits-random.safetensors"))["logits"])), 1e-5)
    close("JAX's KV-cache logits against its full forward", norm_error(cached_logits(random, inputs[:8]), logits[:8]), 1e-5)

    p = initial = load(directory)
    m, v, step = jax.tree.map(jnp.zeros_like, p), jax.tree.map(jnp.zeros_like, p), 0
    for index, ours in enumerate(expected["losses"]):
        p, m, v, step, loss = train_step(p, m, v, step, inputs, targets)
        close(f"loss before AdamW step {index + 1} (JAX {float(loss):.7f}, ours {ours:.7f})", abs(float(loss) - ours) / abs(ours), 1e-4)
    trained = load(directory, "weights-trained.safetensors")
    names = sorted(initial)
    updates = [jnp.concatenate([(q[n] - initial[n]).ravel() for n in names]) for q in (p, trained)]
    close(f"parameter updates of {len(expected['losses'])} AdamW steps", norm_error(*updates), 2e-4)
    return all(results)


def main():
    if arguments.check:
        sys.exit(0 if check(arguments.check) else 1)
    p = load(arguments.weights) if arguments.weights else random_parameters(arguments.seed)
    sequences = SEQUENCES[arguments.workload]
    if sequences is None:
        rows = jax.random.randint(jax.random.PRNGKey(arguments.seed), (BATCH, LENGTH + 1), 0, VOCABULARY)
        inputs, targets = rows[:, :-1], rows[:, 1:]
        state = [p, jax.tree.map(jnp.zeros_like, p), jax.tree.map(jnp.zeros_like, p), 0]

        def run():
            *state[:4], loss = train_step(*state, inputs, targets)
            loss.block_until_ready()
        tokens_per_run = BATCH * LENGTH
    else:
        keys = iter(jax.random.split(jax.random.PRNGKey(7), arguments.warmup + arguments.repeats))

        def run():
            sample_jit(p, next(keys), sequences).block_until_ready()
        tokens_per_run = sequences * NEW_TOKENS
    seconds = []
    for index in range(arguments.warmup + arguments.repeats):
        start = time.perf_counter()
        run()
        if index >= arguments.warmup:
            seconds.append(time.perf_counter() - start)
    rates = [tokens_per_run / s for s in seconds]
    print(json.dumps({
        "side": "jax", "workload": arguments.workload, "threads": len(os.sched_getaffinity(0)),
        "tokens_per_run": tokens_per_run, "warmup": arguments.warmup, "repeats": arguments.repeats,
        "seconds": seconds, "median_tokens_per_second": statistics.median(rates),
        "min_tokens_per_second": min(rates), "max_tokens_per_second": max(rates), "jax": jax.__version__,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
