"""Checks `vapo export --format hf` against Hugging Face transformers (Specs/export.md, "Verification").

For every task of the task registry (read from `vapo sample --help`), this script trains a small policy with a
short `vapo sft` (the check is about equality, not accuracy), exports it with `vapo export --format hf`, and
for held-out prompts of the task checks that

0. AutoModelForCausalLM loads the directory as GPT2LMHeadModel with no missing, unexpected or misshapen
   tensor;
1. AutoTokenizer encodes each prompt to [BOS] + one id per character, the ids of Specs/tasks.md's table,
   and decodes the ids back to the text;
2. transformers' greedy generation (AutoModelForCausalLM, do_sample=False) equals
   `vapo sample --temperature 0` token for token, stop included;
3. the log-probabilities agree: at each position that predicts a response token, a = vapo's full
   log-softmax row (`--logprobs --top-logprobs 26`, raw logits at temperature 0) and b = torch.log_softmax of
   transformers' float32 logits, computed in float64; the relative error of the position is
   max_v |a_v - b_v| / max_v |b_v|, and the check requires the largest over all positions and tasks to be at
   most 1e-5. The raw logits are compared through their log-softmax because vapo exposes log-probabilities,
   not logits; a log-softmax row fixes the logits up to one constant per position, which changes no
   probability and no greedy choice.

Exit status 0 when every check passes, 1 otherwise. Usage (from the package root, after
`swift build -c release --product vapo`):

    nice -n 19 /work/venv/bin/python Verification/hf/check_hf_export.py --vapo .build/release/vapo --work /tmp/hf-check
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys

import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer

# Specs/tasks.md, "Tokenizer": the character of each id.
CHARACTERS = "_^$#0123456789+-*/=(),|:>c"
BOS, EOS = 1, 2
TOLERANCE = 1e-5


def run(arguments):
    result = subprocess.run(arguments, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(arguments)}\n{result.stderr}")
    return result.stdout


def registry_tasks(vapo):
    help_text = " ".join(run([vapo, "sample", "--help"]).split())
    return re.search(r"Task: ([a-z, ]+)\.", help_text).group(1).split(", ")


def check_task(vapo, work, task, arguments):
    folder = os.path.join(work, task)
    policy = os.path.join(folder, "policy.safetensors")
    if not os.path.exists(policy):
        shutil.rmtree(folder, ignore_errors=True)
        run([vapo, "sft", "--task", task, "--steps", str(arguments.steps), "--batch-size", "16", "--eval-every",
             str(arguments.steps), "--eval-problems", "16", "--eval-samples", "1", "--seed", "0", "--out", folder])
    export = os.path.join(folder, "hf")
    shutil.rmtree(export, ignore_errors=True)
    run([vapo, "export", "--checkpoint", policy, "--format", "hf", "--out", export])
    lines = run([vapo, "sample", "--checkpoint", policy, "--problems", str(arguments.problems), "--temperature", "0",
                 "--seed", "1", "--max-new-tokens", str(arguments.max_new_tokens), "--json", "--logprobs",
                 "--top-logprobs", str(len(CHARACTERS))]).splitlines()

    tokenizer = AutoTokenizer.from_pretrained(export)
    model, loading = AutoModelForCausalLM.from_pretrained(export, output_loading_info=True)
    model.eval()
    context = model.config.n_positions
    failures, positions, worst = [], 0, 0.0
    if type(model).__name__ != "GPT2LMHeadModel" or any(loading[key] for key in ["missing_keys", "unexpected_keys", "mismatched_keys"]):
        failures.append(f"loading: {type(model).__name__}, {loading}")
    for line in lines:
        sample = json.loads(line)
        prompt, response = sample["prompt"], sample["response"]
        ids = tokenizer(prompt).input_ids
        expected = [BOS] + [CHARACTERS.index(c) for c in prompt]
        if ids != expected or tokenizer.decode(ids) != "^" + prompt:
            failures.append(f"tokenizer: {prompt!r} -> {ids}, expected {expected}")
            continue
        limit = min(arguments.max_new_tokens, context - len(ids))
        with torch.no_grad():
            generated = model.generate(torch.tensor([ids]), do_sample=False, max_new_tokens=limit,
                                       attention_mask=torch.ones(1, len(ids), dtype=torch.long))
        theirs = tokenizer.decode(generated[0, len(ids):])
        if theirs != response:
            failures.append(f"greedy: {prompt!r}: transformers {theirs!r}, vapo {response!r}")
        sequence = ids + [CHARACTERS.index(c) for c in response]
        with torch.no_grad():
            logits = model(torch.tensor([sequence])).logits[0].double()
        reference = torch.log_softmax(logits, dim=-1)
        for k, entry in enumerate(sample["logprobs"]["content"]):
            row = reference[len(ids) - 1 + k]
            ours = torch.zeros(len(CHARACTERS), dtype=torch.float64)
            for alternative in entry["top_logprobs"]:
                ours[CHARACTERS.index(alternative["token"])] = alternative["logprob"]
            error = ((ours - row).abs().max() / row.abs().max()).item()
            worst = max(worst, error)
            positions += 1
    print(f"{task}: {len(lines)} held-out prompts, greedy {len(lines) - len(failures)} of {len(lines)} equal, "
          f"{positions} positions, largest relative log-probability error {worst:.3e}")
    for failure in failures:
        print("  " + failure)
    return not failures and worst <= TOLERANCE, worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vapo", default=".build/release/vapo")
    parser.add_argument("--work", default="/tmp/hf-check")
    parser.add_argument("--steps", type=int, default=40, help="vapo sft steps per task")
    parser.add_argument("--problems", type=int, default=20, help="held-out prompts per task")
    parser.add_argument("--max-new-tokens", type=int, default=100)
    arguments = parser.parse_args()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"{run([arguments.vapo, '--version']).strip()}; torch {torch.__version__}, transformers {transformers.__version__}; "
          f"Python {platform.python_version()}; CPU {cpu}")
    torch.set_num_threads(1)
    results = [check_task(arguments.vapo, arguments.work, task, arguments) for task in registry_tasks(arguments.vapo)]
    passed = all(ok for ok, _ in results)
    print(f"{'PASS' if passed else 'FAIL'}: every task's greedy tokens equal, largest relative log-probability error "
          f"{max(w for _, w in results):.3e} (bound {TOLERANCE:g})")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
