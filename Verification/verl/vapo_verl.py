# Specs/scaling-out.md, "The verl plugin": VAPO's advantage estimator registered with verl.
"""VAPO's advantage estimator for an unmodified verl, as ``algorithm.adv_estimator=vapo_gae``.

Decoupled GAE (the critic's returns with ``lambda_critic``, the policy's advantages with its own λ) and
Length-Adaptive GAE (each response's λ_policy = max(λ_min, 1 − 1/(α·l)), λ_min for l = 0), computed as
this project's Sources/RLMath computes them (Specs/rl-math.md): the same order of operations, masked
positions skipped (never read), and, with λ_critic = 1, the returns as the Monte-Carlo returns (GAE with
λ = 1 and zero values, so a terminal reward with γ = 1 is every return exactly).

verl passes the critic's values only to its built-in ``gae``: a registered estimator receives the rewards,
the mask and ``config`` (verl/trainer/ppo/ray_trainer.py, ``compute_advantage``). So importing this module
also wraps ``ray_trainer.compute_advantage`` to hand ``data.batch["values"]`` to ``vapo_gae``; every other
estimator goes to verl's own function unchanged. Import it where verl's trainer runs, e.g. with
``VERL_USE_EXTERNAL_MODULES=vapo_verl`` (read by ``verl/__init__.py``), and set ``critic.enable=true``:
verl creates a critic by itself only for ``gae`` (verl/trainer/ppo/utils.py, ``need_critic``).
"""

import importlib.abc
import importlib.util
import sys

import torch

NAME = "vapo_gae"
_RAY_TRAINER = "verl.trainer.ppo.ray_trainer"
# verl's v1 trainer (the default since 0.9) calls the compute_advantage this module imported from ray_trainer.
_V1_UTILS = "verl.trainer.ppo.v1.utils"


def length_adaptive_lambdas(response_mask, alpha, lambda_min, dtype=torch.float32):
    """Each response's λ_policy = max(λ_min, 1 − 1/(α·l)) in ``dtype``, l its valid tokens; λ_min for l = 0.
    The order of operations is Sources/RLMath/LengthAdaptiveLambda.swift's: α·l, 1/(α·l), 1 − that, max."""
    lengths = response_mask.bool().sum(-1).to(dtype)
    floor = torch.full_like(lengths, lambda_min)
    raw = 1.0 - 1.0 / (torch.full_like(lengths, alpha) * torch.where(lengths > 0, lengths, torch.ones_like(lengths)))
    return torch.where(lengths > 0, torch.maximum(floor, raw), floor)


def gae(token_level_rewards, values, response_mask, gamma, lam):
    """GAE over the valid positions only (Specs/rl-math.md, "GAE"): δ = (r + γ·V_next) − V, A = δ + (γλ)·A_next,
    R = A + V, from the last valid token back, V_next = A_next = 0 after it; masked positions output 0.
    ``lam`` is a float or one λ per response. Returns (advantages, returns)."""
    mask = response_mask.bool()
    batch, length = token_level_rewards.shape
    zero = torch.zeros(batch, dtype=values.dtype, device=values.device)
    decay = gamma * (lam if torch.is_tensor(lam) else torch.full_like(zero, lam))
    next_value, next_advantage = zero, zero
    advantages = torch.zeros_like(values)
    returns = torch.zeros_like(values)
    for t in reversed(range(length)):
        valid = mask[:, t]
        delta = (token_level_rewards[:, t] + gamma * next_value) - values[:, t]
        advantage = delta + decay * next_advantage
        next_advantage = torch.where(valid, advantage, next_advantage)
        next_value = torch.where(valid, values[:, t], next_value)
        advantages[:, t] = torch.where(valid, advantage, zero)
        returns[:, t] = torch.where(valid, advantage + values[:, t], zero)
    return advantages, returns


def whiten(advantages, response_mask):
    """Whitening over all valid tokens (Specs/rl-math.md, "Whitening"): (x − μ)/√(s² + 1e-8) with the unbiased
    s²; a single valid token becomes 0 (verl's masked_whiten gives NaN there)."""
    mask = response_mask.bool()
    n = int(mask.sum())
    if n < 2:
        return torch.zeros_like(advantages)
    valid = advantages[mask]
    mean = valid.sum() / n
    variance = ((valid - mean) ** 2).sum() / (n - 1)
    return torch.where(mask, (advantages - mean) / torch.sqrt(variance + 1e-8), torch.zeros_like(advantages))


def vapo_advantages(token_level_rewards, values, response_mask, gamma, lam, lambda_critic=1.0,
                    length_adaptive=True, alpha=0.05, lambda_min=0.5, whiten_advantages=True):
    """VAPO's advantages and returns (Sources/VAPO/Recipe/AdvantageEstimator.swift, ``generalized``).

    The policy's λ is ``lam`` or, with ``length_adaptive``, each response's length-adaptive λ; the returns use
    ``lambda_critic`` (Decoupled-GAE) or, when it is None, the policy's λ. Returns (advantages, returns), the
    advantages whitened over the batch when ``whiten_advantages``."""
    with torch.no_grad():
        policy_lambda = length_adaptive_lambdas(response_mask, alpha, lambda_min, values.dtype) if length_adaptive else lam
        advantages, policy_returns = gae(token_level_rewards, values, response_mask, gamma, policy_lambda)
        if lambda_critic is None:
            returns = policy_returns
        elif lambda_critic == 1:
            returns = gae(token_level_rewards, torch.zeros_like(values), response_mask, gamma, 1.0)[1]
        else:
            returns = gae(token_level_rewards, values, response_mask, gamma, lambda_critic)[1]
        return (whiten(advantages, response_mask) if whiten_advantages else advantages), returns


def _settings(config):
    """γ, λ and the ``algorithm.vapo_gae`` settings (as ``vapo export --format verl`` writes them) of verl's
    algorithm configuration; VAPO's defaults where a key is absent."""
    get = (lambda key, default: config.get(key, default)) if config is not None else (lambda key, default: default)
    own = get("vapo_gae", None) or {}
    mine = (lambda key, default: own.get(key, default))
    return dict(gamma=float(get("gamma", 1.0)), lam=float(get("lam", 0.95)), lambda_critic=mine("lambda_critic", 1.0),
                length_adaptive=bool(mine("length_adaptive", True)), alpha=float(mine("alpha", 0.05)),
                lambda_min=float(mine("lambda_min", 0.5)), whiten_advantages=bool(mine("whiten", True)))


def vapo_gae(token_level_rewards, response_mask, config=None, values=None, **kwargs):
    """The estimator verl calls by name. It needs the critic's values, which verl's own ``compute_advantage``
    does not pass to a registered estimator: the wrapper this module installs does."""
    if values is None:
        raise ValueError("vapo_gae needs the critic's values: import vapo_verl before verl's trainer runs "
                         "(VERL_USE_EXTERNAL_MODULES=vapo_verl) and set critic.enable=true")
    return vapo_advantages(token_level_rewards, values, response_mask, **_settings(config))


def _wrap(ray_trainer):
    """Replaces ``ray_trainer.compute_advantage`` by one that gives ``vapo_gae`` the batch's values, and the
    name the v1 trainer imported, if it is already imported (otherwise it imports the wrapped one)."""
    original = ray_trainer.compute_advantage
    if getattr(original, "vapo_wrapped", False):
        return

    def compute_advantage(data, adv_estimator, *args, config=None, **kwargs):
        name = getattr(adv_estimator, "value", adv_estimator)
        if name != NAME:
            return original(data, adv_estimator, *args, config=config, **kwargs)
        if "response_mask" not in data.batch.keys():
            data.batch["response_mask"] = ray_trainer.compute_response_mask(data)
        values = data.batch["values"] if "values" in data.batch.keys() else None
        advantages, returns = vapo_gae(data.batch["token_level_rewards"], data.batch["response_mask"], config=config, values=values)
        data.batch["advantages"] = advantages
        data.batch["returns"] = returns
        return data

    compute_advantage.vapo_wrapped = True
    ray_trainer.compute_advantage = compute_advantage
    if _V1_UTILS in sys.modules and sys.modules[_V1_UTILS].compute_advantage is original:
        sys.modules[_V1_UTILS].compute_advantage = compute_advantage


class _WrapOnImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Wraps verl's ``compute_advantage`` as soon as ``verl.trainer.ppo.ray_trainer`` is imported, so that this
    module can be imported early (by ``verl/__init__.py``) without importing verl's trainer itself."""

    def find_spec(self, name, path, target=None):
        if name != _RAY_TRAINER:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        self._load = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return self._load.create_module(spec)

    def exec_module(self, module):
        self._load.exec_module(module)
        _wrap(module)


def _install():
    from verl.trainer.ppo import core_algos

    if core_algos.ADV_ESTIMATOR_REGISTRY.get(NAME) is not vapo_gae:
        core_algos.register_adv_est(NAME)(vapo_gae)
    if _RAY_TRAINER in sys.modules:
        _wrap(sys.modules[_RAY_TRAINER])
    elif not any(isinstance(finder, _WrapOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WrapOnImport())


_install()
