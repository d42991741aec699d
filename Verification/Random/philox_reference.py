#!/usr/bin/env python3
"""Independent reference for Sources/Kernels/Random: Philox4x32-10, stream key derivation and the uniform
and normal recipes, written from the published algorithm (Salmon et al., SC'11) with Python integers.

Prints the golden values that Tests/KernelsTests/RandomStreamTests.swift compares against. Run:
    python3 Verification/Random/philox_reference.py
"""
import math

M0, M1 = 0xD2511F53, 0xCD9E8D57
W0, W1 = 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox4x32(counter, key, rounds=10):
    c, k = list(counter), list(key)
    for _ in range(rounds):
        p0, p1 = M0 * c[0], M1 * c[2]
        c = [(p1 >> 32) ^ c[1] ^ k[0], p1 & MASK, (p0 >> 32) ^ c[3] ^ k[1], p0 & MASK]
        k = [(k[0] + W0) & MASK, (k[1] + W1) & MASK]
    return c


def split(x):
    return [x & MASK, x >> 32]


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def derive(key, value, domain):
    w = philox4x32(split(value) + [domain, 0], split(key))
    return w[1] << 32 | w[0]


def child_name(key, name):
    return derive(key, fnv1a64(name), 1)


def child_index(key, index):
    return derive(key, index, 2)


def block(key, counter):
    return philox4x32(split(counter) + [0, 0], split(key))


def uniform_bits(w_hi, w_lo, precision):
    """The integer k with uniform = k * 2^-precision."""
    return (w_hi << 32 | w_lo) >> (64 - precision)


def normal(key, counter):
    w = block(key, counter)
    u1 = 1 - uniform_bits(w[0], w[1], 53) / 2**53
    u2 = uniform_bits(w[2], w[3], 53) / 2**53
    return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


if __name__ == "__main__":
    for c, k in [([0] * 4, [0] * 2), ([MASK] * 4, [MASK] * 2),
                 ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0])]:
        print("KAT", " ".join("%08x" % x for x in c + k), "->", " ".join("%08x" % x for x in philox4x32(c, k)))
    print("fnv1a64('layer0.weight') = 0x%016x" % fnv1a64("layer0.weight"))
    named = child_name(42, "layer0.weight")
    print("RandomStream(seed: 42, name: 'layer0.weight').key = 0x%016x" % named)
    print("RandomStream(seed: 42).child(7).child(3).key = 0x%016x" % child_index(child_index(42, 7), 3))
    print("RandomStream(seed: 42, name: 'layer0.weight').child('bias').key = 0x%016x" % child_name(named, "bias"))
    print("block(key 0x0123456789abcdef, counter 0x1_0000_0005) =",
          " ".join("0x%08x" % x for x in block(0x0123456789ABCDEF, 0x1_0000_0005)))
    for c in range(4):
        w = block(named, c)
        print("counter %d: float uniform k = %d (x 2^-24), double uniform k = %d (x 2^-53), normal = %.17g"
              % (c, uniform_bits(w[0], w[1], 24), uniform_bits(w[0], w[1], 53), normal(named, c)))
