#!/usr/bin/env python3
"""Writes random load profiles the controller was not designed on, for the robustness check in BENCHMARKS.md.

usage: random_profiles.py OUT_DIR SET   (SET = u: 24 profiles, seed 7; SET = v: 40 profiles, seed 2026)
then:  java -jar migobs-bench/target/migobs-bench.jar simulate $(for f in OUT_DIR/*.csv; do echo --profile $f; done)
"""
import math
import os
import random
import sys

H = "t_s,replica_apply_rows_s,primary_capacity_rows_s,prod_load"


def set_u(out):
    random.seed(7)
    for k in range(24):
        kind = k % 4
        rows = [H]
        R = random.choice([2000, 4000, 6000, 9000, 15000, 30000])
        C = random.choice([10000, 20000, 40000, 80000])
        rho = random.choice([0.1, 0.3, 0.5, 0.7])
        t = 0
        if kind == 0:  # random steps of R and of the production load
            while t < 3000:
                rows.append(f"{t},{R},{C},{rho}")
                t += random.randint(20, 200)
                R = max(500, R * random.choice([0.4, 0.7, 1, 1.4, 2]))
                rho = min(0.9, max(0, rho + random.choice([-0.2, -0.1, 0, 0.1, 0.2])))
        elif kind == 1:  # replica speed on a sine
            for i in range(0, 3000, 5):
                rows.append(f"{i},{R * (1 + 0.6 * math.sin(2 * math.pi * i / random.choice([300]))):.0f},{C},{rho}")
        elif kind == 2:  # production load ramping up and down
            for i in range(0, 3000, 5):
                r = 0.2 + 0.6 * abs(((i / 400.0) % 2) - 1)
                rows.append(f"{i},{R},{C},{r:.3f}")
        else:
            rows.append(f"0,{R},{C},{rho}")
        open(os.path.join(out, f"u{k:02d}.csv"), "w").write("\n".join(rows) + "\n")


def set_v(out):
    random.seed(2026)
    for k in range(40):
        rows = [H]
        R = random.choice([1500, 3000, 5000, 8000, 12000, 25000])
        C = random.choice([8000, 15000, 30000, 60000, 120000])
        rho = random.choice([0.0, 0.2, 0.4, 0.6])
        kind = k % 5
        if kind == 0:  # one replica slowdown
            a = random.randint(50, 300)
            f = random.choice([0.3, 0.5, 0.7])
            rows += [f"0,{R},{C},{rho}", f"{a},{R * f:.0f},{C},{rho}", f"{a + random.randint(30, 120)},{R},{C},{rho}"]
        elif kind == 1:  # one step of production load, up then down
            a = random.randint(50, 300)
            d = random.choice([0.1, 0.2, 0.3])
            rows += [f"0,{R},{C},{rho}", f"{a},{R},{C},{min(0.95, rho + d):.2f}",
                     f"{a + random.randint(30, 200)},{R},{C},{rho}"]
        elif kind == 2:  # production load on a slow sine
            P = random.choice([300, 900, 1800])
            for i in range(0, 6000, 10):
                r = min(0.9, max(0, rho + 0.2 * math.sin(2 * math.pi * i / P)))
                rows.append(f"{i},{R},{C},{r:.3f}")
        elif kind == 3:  # replica speed ramping, sawtooth
            for i in range(0, 6000, 10):
                rows.append(f"{i},{R * (0.5 + 0.5 * (i % 600) / 600):.0f},{C},{rho}")
        else:
            rows.append(f"0,{R},{C},{rho}")
        open(os.path.join(out, f"v{k:02d}.csv"), "w").write("\n".join(rows) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("u", "v"):
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    (set_u if sys.argv[2] == "u" else set_v)(sys.argv[1])
