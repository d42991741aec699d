# Specs/scaling-out.md, "The verl plugin": the plugin against every advantage case of Specs/golden/.
"""Checks vapo_verl's ``vapo_gae`` (found through verl's own registry) on every case of Specs/golden/gae.json,
decoupled-gae.json and length-adaptive-gae.json, in float64 and float32, within the bounds the golden files
state (Specs/golden/README.md, Specs/rl-math.md "Golden vectors"): advantages within 2·E_t, returns within
2·((1 + u)·E_t + u·|R_t|), length-adaptive λ within 5u; then that verl's ``ray_trainer.compute_advantage``,
wrapped by the plugin, gives ``vapo_gae`` the critic's values and leaves verl's ``gae`` as it was.

Run: python Verification/verl/test_vapo_verl.py [EXPORTED.yaml]   (verl and torch installed; exit 0 when all pass)
With the file `vapo export --format verl` wrote, it is also composed by Hydra over verl's own ppo_trainer.yaml, and
the composed ``algorithm`` section is the configuration the estimator reads.
"""

import json
import os
import sys
from fractions import Fraction

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "..", "Specs", "golden")
sys.path.insert(0, HERE)

import vapo_verl  # noqa: E402  (registers vapo_gae)
from verl.trainer.ppo import core_algos  # noqa: E402

FORMATS = {torch.float64: Fraction(1, 2**53), torch.float32: Fraction(1, 2**24)}


def rational(text):
    return Fraction(text)


def load(name):
    with open(os.path.join(GOLDEN, name)) as f:
        return json.load(f)["cases"]


def error_bounds(rewards, values, mask, gamma, lam, u):
    """E_t of Specs/rl-math.md "Floating-point error bound of GAE" at each position (0 where masked), and the
    exact returns R_t, in rationals from the exact inputs."""
    valid = [t for t, m in enumerate(mask) if m]
    n = len(valid)
    r = [rewards[t] for t in valid]
    v = [values[t] for t in valid] + [Fraction(0)]
    delta = [r[i] + gamma * v[i + 1] - v[i] for i in range(n)]
    m = [abs(r[i]) + gamma * abs(v[i + 1]) + abs(v[i]) for i in range(n)]

    def g(k):
        return k * u / (1 - k * u)

    bounds, returns = [Fraction(0)] * len(mask), [Fraction(0)] * len(mask)
    for i in range(n):
        e, a, decay = Fraction(0), Fraction(0), Fraction(1)
        for l in range(n - i):
            e += decay * (g(3 * l + 1) * abs(delta[i + l]) + g(3) * (1 + g(3 * l + 1)) * m[i + l])
            a += decay * delta[i + l]
            decay *= gamma * lam
        bounds[valid[i]] = e
        returns[valid[i]] = a + v[i]
    return bounds, returns


def estimator():
    return core_algos.get_adv_estimator_fn(vapo_verl.NAME)


def run(sequences, dtype, gamma, lam, lambda_critic, length_adaptive=False, alpha=0.05, lambda_min=0.5):
    """The registered estimator on a batch of (rewards, values, mask) padded to one length (padding masked)."""
    width = max([len(s[2]) for s in sequences] + [1])

    def rows(k, fill):
        return [[float(x) for x in s[k]] + [fill] * (width - len(s[k])) for s in sequences]

    rewards = torch.tensor(rows(0, 0.0), dtype=dtype)
    values = torch.tensor(rows(1, 0.0), dtype=dtype)
    mask = torch.tensor([list(s[2]) + [False] * (width - len(s[2])) for s in sequences])
    config = {"gamma": float(gamma), "lam": float(lam), "vapo_gae": {
        "lambda_critic": None if lambda_critic is None else float(lambda_critic), "length_adaptive": length_adaptive,
        "alpha": float(alpha), "lambda_min": float(lambda_min), "whiten": False}}
    advantages, returns = estimator()(token_level_rewards=rewards, response_mask=mask, config=config, values=values)
    return advantages, returns


class Tally:
    def __init__(self):
        self.checked, self.failures, self.worst = 0, [], Fraction(0)

    def within(self, got, expected, bound, label):
        self.checked += 1
        error = abs(Fraction(float(got)) - expected)
        if bound > 0:
            self.worst = max(self.worst, error / bound)
        if error > bound:
            self.failures.append(f"{label}: |{float(got)!r} − {float(expected)!r}| = {float(error):.3e} > bound {float(bound):.3e}")


def check_sequence(tally, dtype, label, rewards, values, mask, gamma, lambda_policy, lambda_critic, advantages, returns, got_a, got_r,
                   check_advantages=True):
    u = FORMATS[dtype]
    policy_bounds, _ = error_bounds(rewards, values, mask, gamma, lambda_policy, u)
    critic_bounds, exact_returns = error_bounds(rewards, values, mask, gamma, lambda_critic, u)
    assert exact_returns == returns, f"{label}: the exact reference disagrees with the stored returns"
    for t in range(len(mask)):
        if not mask[t]:
            tally.within(got_a[t], Fraction(0), Fraction(0), f"{label} advantage {t} (masked)")
            tally.within(got_r[t], Fraction(0), Fraction(0), f"{label} return {t} (masked)")
            continue
        if check_advantages:
            tally.within(got_a[t], advantages[t], 2 * policy_bounds[t], f"{label} advantage {t}")
        tally.within(got_r[t], returns[t], 2 * ((1 + u) * critic_bounds[t] + u * abs(returns[t])), f"{label} return {t}")


def golden_cases(dtype):
    tallies = {}
    tally = tallies["gae.json"] = Tally()
    for i, c in enumerate(load("gae.json")):
        seq = ([rational(x) for x in c["rewards"]], [rational(x) for x in c["values"]], c["mask"])
        gamma, lam = rational(c["gamma"]), rational(c["lambda"])
        a, r = run([seq], dtype, gamma, lam, None)
        check_sequence(tally, dtype, f"gae.json case {i} ({c['name']}, γ {c['gamma']}, λ {c['lambda']})", *seq, gamma, lam, lam,
                       [rational(x) for x in c["advantages"]], [rational(x) for x in c["returns"]], a[0, :len(seq[2])], r[0, :len(seq[2])])
    tally = tallies["decoupled-gae.json"] = Tally()
    for i, c in enumerate(load("decoupled-gae.json")):
        seq = ([rational(x) for x in c["rewards"]], [rational(x) for x in c["values"]], c["mask"])
        gamma, lp, lc = rational(c["gamma"]), rational(c["lambda_policy"]), rational(c["lambda_critic"])
        a, r = run([seq], dtype, gamma, lp, lc)
        check_sequence(tally, dtype, f"decoupled-gae.json case {i} ({c['name']})", *seq, gamma, lp, lc,
                       [rational(x) for x in c["advantages"]], [rational(x) for x in c["returns"]], a[0, :len(seq[2])], r[0, :len(seq[2])])
    tally = tallies["length-adaptive-gae.json"] = Tally()
    tally_lambda = tallies["length-adaptive-gae.json λ_policy"] = Tally()
    for i, c in enumerate(load("length-adaptive-gae.json")):
        gamma, alpha, lmin, lc = (rational(c[k]) for k in ("gamma", "alpha", "lambda_min", "lambda_critic"))
        seqs = [([rational(x) for x in s["rewards"]], [rational(x) for x in s["values"]], s["mask"]) for s in c["sequences"]]
        a, r = run(seqs, dtype, gamma, Fraction(19, 20), lc, length_adaptive=True, alpha=alpha, lambda_min=lmin)
        width = max(len(s[2]) for s in seqs)
        padded = torch.tensor([list(s[2]) + [False] * (width - len(s[2])) for s in seqs])
        lambdas = vapo_verl.length_adaptive_lambdas(padded, float(alpha), float(lmin), dtype)
        for j, (s, seq) in enumerate(zip(c["sequences"], seqs)):
            label = f"length-adaptive-gae.json batch {i} sequence {j} (l = {s['valid_length']})"
            tally_lambda.within(lambdas[j], rational(s["lambda_policy"]), 5 * FORMATS[dtype], label + " λ")
            # The stated bounds cover λ_policy (5u) and the returns; the advantages rest on a λ that is itself
            # rounded, so they are checked against 2E_t of the plugin's own λ taken exactly.
            lam = Fraction(float(lambdas[j]))
            bounds, _ = error_bounds(*seq, gamma, lam, FORMATS[dtype])
            exact = exact_advantages(*seq, gamma, lam)
            for t in range(len(seq[2])):
                if seq[2][t]:
                    tally.within(a[j, t], exact[t], 2 * bounds[t], label + f" advantage {t} (own λ)")
            check_sequence(tally, dtype, label, *seq, gamma, rational(s["lambda_policy"]), lc, [rational(x) for x in s["advantages"]],
                           [rational(x) for x in s["returns"]], a[j, :len(seq[2])], r[j, :len(seq[2])], check_advantages=False)
    return tallies


def exact_advantages(rewards, values, mask, gamma, lam):
    valid = [t for t, m in enumerate(mask) if m]
    v = [values[t] for t in valid] + [Fraction(0)]
    delta = [rewards[t] + gamma * v[i + 1] - v[i] for i, t in enumerate(valid)]
    out, running = [Fraction(0)] * len(mask), Fraction(0)
    for i in reversed(range(len(valid))):
        running = delta[i] + gamma * lam * running
        out[valid[i]] = running
    return out


def nemo_rl_contrast():
    """The check discriminates: NeMo RL's length-adaptive rule, λ = clamp(1 − 1/max(α·l, 1), 0, 1)
    (nemo_rl/algorithms/advantage_estimator.py, ``_resolve_lambda_policy``, rewritten here), misses the golden
    λ_policy exactly where our floor λ_min binds below 1/(α(1 − λ_min)) tokens."""
    misses = []
    for i, c in enumerate(load("length-adaptive-gae.json")):
        alpha = float(rational(c["alpha"]))
        for j, s in enumerate(c["sequences"]):
            length = torch.tensor([float(s["valid_length"])], dtype=torch.float64)
            lam = (1.0 - 1.0 / (alpha * length).clamp(min=1.0)).clamp(min=0.0, max=1.0)
            if abs(Fraction(float(lam[0])) - rational(s["lambda_policy"])) > 5 * FORMATS[torch.float64]:
                misses.append(f"batch {i} (α {c['alpha']}) l = {s['valid_length']}: λ {float(lam[0]):.4g}, golden {s['lambda_policy']}")
    return misses


def wrapper_checks():
    """verl's own compute_advantage, wrapped by the plugin: vapo_gae gets the batch's values; gae is verl's."""
    from omegaconf import OmegaConf
    from verl import DataProto
    from verl.trainer.ppo import ray_trainer

    generator = torch.Generator().manual_seed(0)
    rewards = torch.zeros(3, 6)
    rewards[:, -1] = torch.tensor([1.0, -1.0, 1.0])
    values = torch.randn(3, 6, generator=generator)
    mask = torch.ones(3, 6, dtype=torch.int64)
    mask[1, 4:] = 0
    config = OmegaConf.create({"gamma": 1.0, "lam": 0.95, "vapo_gae": {"lambda_critic": 1.0, "length_adaptive": True, "alpha": 1.0, "lambda_min": 0.5, "whiten": True}})

    def batch():
        return DataProto.from_dict(tensors={"token_level_rewards": rewards.clone(), "values": values.clone(), "response_mask": mask.clone()})

    ours = ray_trainer.compute_advantage(batch(), adv_estimator=vapo_verl.NAME, gamma=1.0, lam=0.95, config=config)
    direct = vapo_verl.vapo_advantages(rewards, values, mask, 1.0, 0.95, 1.0, True, 1.0, 0.5, True)
    assert torch.equal(ours.batch["advantages"], direct[0]) and torch.equal(ours.batch["returns"], direct[1]), "vapo_gae through verl's compute_advantage"
    from verl.trainer.ppo.v1 import utils as v1_utils

    v1 = v1_utils.compute_advantage_for_multi_trajectories(batch(), batch_keys=[], adv_estimator=vapo_verl.NAME, gamma=1.0, lam=0.95, config=config)
    assert torch.equal(v1.batch["advantages"], direct[0]) and torch.equal(v1.batch["returns"], direct[1]), "vapo_gae through verl's v1 trainer path"
    theirs = ray_trainer.compute_advantage(batch(), adv_estimator="gae", gamma=1.0, lam=0.95, config=config)
    expected = core_algos.compute_gae_advantage_return(rewards, values, mask, 1.0, 0.95)
    assert torch.equal(theirs.batch["advantages"], expected[0]) and torch.equal(theirs.batch["returns"], expected[1]), "verl's gae unchanged"
    return ["ray_trainer.compute_advantage(adv_estimator='vapo_gae') equals vapo_advantages bit for bit (values reach it)",
            "v1.utils.compute_advantage_for_multi_trajectories (verl's default v1 trainer) likewise",
            "ray_trainer.compute_advantage(adv_estimator='gae') equals verl's compute_gae_advantage_return bit for bit"]


def composed_checks(path):
    """The exported file composed by Hydra over verl's ppo_trainer.yaml, as main_ppo would compose it."""
    from hydra import compose, initialize_config_dir

    folder, name = os.path.split(os.path.abspath(path))
    with initialize_config_dir(config_dir=folder, version_base=None):
        config = compose(config_name=os.path.splitext(name)[0])
    algorithm = config.algorithm
    assert algorithm.adv_estimator == vapo_verl.NAME and config.critic.enable is True, "vapo_gae with a critic"
    settings = vapo_verl._settings(algorithm)
    assert settings["length_adaptive"] and settings["lambda_critic"] == 1.0, settings
    return [f"{name} composes over verl's ppo_trainer.yaml (algorithm.adv_estimator {algorithm.adv_estimator}, "
            f"critic.enable {config.critic.enable}, trainer.critic_warmup {config.trainer.critic_warmup}, "
            f"actor clip {config.actor_rollout_ref.actor.clip_ratio_low}/{config.actor_rollout_ref.actor.clip_ratio_high}, "
            f"loss_agg_mode {config.actor_rollout_ref.actor.loss_agg_mode}); the estimator reads {settings}"]


def main():
    import platform

    import verl

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    print(f"verl {verl.__version__}, torch {torch.__version__}, Python {platform.python_version()}, CPU {cpu}")
    failed = False
    for dtype in FORMATS:
        for name, tally in golden_cases(dtype).items():
            status = "FAIL" if tally.failures else "ok"
            print(f"{status}  {str(dtype).replace('torch.', ''):8} {name}: {tally.checked} values, largest error/bound {float(tally.worst):.3f}")
            for line in tally.failures[:10]:
                print("      " + line)
            failed |= bool(tally.failures)
    for line in wrapper_checks():
        print("ok  " + line)
    for line in composed_checks(sys.argv[1]) if len(sys.argv) > 1 else []:
        print("ok  " + line)
    print("contrast: NeMo RL's λ rule misses the golden λ_policy at " + "; ".join(nemo_rl_contrast()))
    print("FAILED" if failed else "all passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
