#!/usr/bin/env python3
"""Writes random load profiles the controller was not designed on, for the robustness check in BENCHMARKS.md.

usage: random_profiles.py OUT_DIR SET   (SET = u: 24 profiles, seed 7; SET = v: 40 profiles, seed 2026;
                                        SET = w: 40 profiles, seed 1126, mixed changes of R, C and load, short
                                        load spikes, capacity steps, two sines, replica stalls to 10%;
                                        SET = x: the same kinds with seed 2027; SET = y: seed 3033, SET = z:
                                        seed 4044, the same kinds again, made for the third session's changes;
                                        SET = s: seed 5055, SET = t: seed 6066, the same kinds, each run once on
                                        the controller of its day)
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


def set_w(out, seed=1126, prefix="w"):
    random.seed(seed)
    for k in range(40):
        rows = [H]
        R = random.choice([1000, 2500, 6000, 10000, 18000, 40000])
        C = random.choice([6000, 12000, 25000, 50000, 100000])
        rho = random.choice([0.0, 0.15, 0.35, 0.55, 0.7])
        kind = k % 5
        t = 0
        if kind == 0:  # everything moves at once, at random times: R, C and the production load
            while t < 4000:
                rows.append(f"{t},{R:.0f},{C:.0f},{rho:.2f}")
                t += random.randint(10, 300)
                R = min(60000, max(300, R * random.choice([0.5, 0.8, 1, 1.25, 2])))
                C = min(150000, max(4000, C * random.choice([0.7, 1, 1.4])))
                rho = min(0.9, max(0, rho + random.choice([-0.25, -0.1, 0, 0.1, 0.25])))
        elif kind == 1:  # short production-load spikes (5 to 30 s) on a quiet base
            while t < 4000:
                rows.append(f"{t},{R},{C},{rho:.2f}")
                d = random.randint(5, 30)
                rows.append(f"{t + d},{R},{C},{min(0.9, rho + random.choice([0.1, 0.2, 0.3])):.2f}")
                rows.append(f"{t + 2 * d},{R},{C},{rho:.2f}")
                t += 2 * d + random.randint(60, 400)
        elif kind == 2:  # primary capacity dropping in steps (a noisy neighbour), then recovering
            for i, f in enumerate([1, 0.8, 0.6, 0.8, 1, 0.7, 1]):
                rows.append(f"{i * random.randint(100, 300)},{R},{C * f:.0f},{rho}")
            rows[1:] = sorted(rows[1:], key=lambda r: int(r.split(",")[0]))
        elif kind == 3:  # replica and production load both on sines of different periods
            P1, P2 = random.choice([200, 600, 1500]), random.choice([250, 700, 2000])
            for i in range(0, 6000, 5):
                r = R * (1 + 0.5 * math.sin(2 * math.pi * i / P1))
                l = min(0.9, max(0, rho + 0.15 * math.sin(2 * math.pi * i / P2)))
                rows.append(f"{i},{r:.0f},{C},{l:.3f}")
        else:  # replica stalls almost completely for 10 to 60 s, now and then
            while t < 4000:
                rows.append(f"{t},{R},{C},{rho}")
                d = random.randint(10, 60)
                rows.append(f"{t + random.randint(30, 200)},{max(100, R * 0.1):.0f},{C},{rho}")
                t = int(rows[-1].split(",")[0]) + d
            rows.append(f"{t},{R},{C},{rho}")
        # times must increase strictly
        seen, clean = set(), [H]
        for r in rows[1:]:
            ts = int(float(r.split(",")[0]))
            if ts in seen:
                continue
            seen.add(ts)
            clean.append(r)
        clean[1:] = sorted(clean[1:], key=lambda r: int(float(r.split(",")[0])))
        open(os.path.join(out, f"{prefix}{k:02d}.csv"), "w").write("\n".join(clean) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("u", "v", "w", "x", "y", "z", "s", "t"):
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    {"u": set_u, "v": set_v, "w": set_w, "x": lambda out: set_w(out, 2027, "x"),
     "y": lambda out: set_w(out, 3033, "y"), "z": lambda out: set_w(out, 4044, "z"),
     "s": lambda out: set_w(out, 5055, "s"), "t": lambda out: set_w(out, 6066, "t")}[sys.argv[2]](sys.argv[1])
