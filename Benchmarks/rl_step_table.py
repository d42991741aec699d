"""The phases of `vapo train`'s RL steps from a metrics.jsonl (Benchmarks/rl-step.sh): one row per step and
the means, in seconds and as shares of the step (`timing_s/*`, Specs/vapo.md).

    python3 rl_step_table.py METRICS.jsonl [--from-step N]
"""

import json
import statistics
import sys

PHASES = [("sample", "rollouts: sampling and filtering the groups"),
          ("score", "scoring: log-probs, critic values, reference"),
          ("advantages", "advantages (Monte-Carlo values included)"),
          ("critic_update", "critic update"),
          ("actor_update", "actor update"),
          ("eval", "held-out evaluation")]

path = sys.argv[1]
first = int(sys.argv[sys.argv.index("--from-step") + 1]) if "--from-step" in sys.argv else 1
rows = [json.loads(line) for line in open(path)]
rows = [r for r in rows if r["step"] >= first and "timing_s/step" in r["data"]]
if not rows:
    sys.exit(f"{path}: no RL step from step {first} on with timing_s/step")
missing = [p for p, _ in PHASES if f"timing_s/{p}" not in rows[0]["data"]]
if missing:
    sys.exit(f"{path}: no timing_s/{missing[0]} (a vapo built before the phase timings)")

print("| step | " + " | ".join(p for p, _ in PHASES) + " | other | step s |")
print("| ---: |" + " ---: |" * (len(PHASES) + 2))
for r in rows:
    d = r["data"]
    other = d["timing_s/step"] - sum(d[f"timing_s/{p}"] for p, _ in PHASES)
    print(f"| {r['step']} | " + " | ".join(f"{d[f'timing_s/{p}']:.3f}" for p, _ in PHASES) + f" | {other:.3f} | {d['timing_s/step']:.3f} |")
print()
step = statistics.mean(r["data"]["timing_s/step"] for r in rows)
evaluation = statistics.mean(r["data"]["timing_s/eval"] for r in rows)
rl_step = step - evaluation
print(f"Means over steps {rows[0]['step']}–{rows[-1]['step']}: {step:.3f} s a step; {rl_step:.3f} s an RL step, i.e. "
      f"without the held-out evaluation (every 10 steps: {evaluation:.3f} s a step on average)")
print()
print("| phase | mean s | share of the RL step |")
print("| --- | ---: | ---: |")
accounted = 0.0
for p, description in PHASES:
    if p == "eval":
        continue
    mean = statistics.mean(r["data"][f"timing_s/{p}"] for r in rows)
    accounted += mean
    print(f"| {description} | {mean:.3f} | {100 * mean / rl_step:.1f}% |")
print(f"| bookkeeping between the phases | {rl_step - accounted:.3f} | {100 * (rl_step - accounted) / rl_step:.1f}% |")
print(f"| **the RL step** | **{rl_step:.3f}** | 100% |")
