#!/usr/bin/env python3
"""A lower bound on the time above the lag SLO that replica stalls force on any strategy that learns of them from a
lag sampled once a second and finishes within 1.10 x T* (see BENCHMARKS.md, "Replica stalls").

usage: stall_bound.py PROFILE.csv...   (model defaults of SIMULATOR.md: 5,000,000 rows, S 20,000 rows/s, lag SLO
                                      5 s, samples 1 s; only drops before the oracle finishes, at T*, count)

For each drop of the replica's speed from R to R' (at a whole second, on the sample grid), with r* the oracle's rate
just before it: a strategy writing at r*/1.1 (its average rate if it is to finish within 1.10 x T*, on a profile
where r* holds) commits r*/1.1 rows in the second before any sample can show the drop. The replica applies them at
R', k = r*/R': τ seconds into the drop the lag is τ (1 - 1.1/k), until the last of them is applied (τ = k/1.1) or
the replica recovers (τ = d, the drop's duration). Even if the strategy writes nothing more after that first second,
the lag is above 5.05 s (1% over the SLO) from τ = 5.05 / (1 - 1.1/k) to min(k/1.1, d). Printed per profile: the
drops, the largest k, and the sum of that time over the drops.
"""
import sys

S, SLO, TIME, ROWS = 20000.0, 5.05, 1.10, 5_000_000


def r_star(row):
    return min(row[1], row[2] * (1 - row[3]) / 2, S)


def oracle_time(rows):
    """T*: when the oracle, writing r*(t), has written ROWS."""
    done = 0.0
    for i, row in enumerate(rows):
        end = rows[i + 1][0] if i + 1 < len(rows) else float("inf")
        rate = r_star(row)
        if done + rate * (end - row[0]) >= ROWS:
            return row[0] + (ROWS - done) / rate
        done += rate * (end - row[0])
    return float("inf")


def bound(path):
    rows = [list(map(float, l.split(","))) for l in open(path).read().split("\n")[1:] if l.strip()]
    stalls, total, kmax = 0, 0.0, 0.0
    t_star = oracle_time(rows)
    for i in range(1, len(rows)):
        prev, cur = rows[i - 1], rows[i]
        if cur[0] >= t_star:
            break
        r_prev, r_now = prev[1], cur[1]
        if r_now >= r_prev:
            continue
        k = r_star(prev) / r_now
        stalls += 1
        kmax = max(kmax, k)
        if k <= TIME:
            continue
        d = rows[i + 1][0] - cur[0] if i + 1 < len(rows) else float("inf")
        total += max(0.0, min(k / TIME, d) - SLO / (1 - TIME / k))
    return stalls, kmax, total, t_star


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for p in sys.argv[1:]:
        n, k, t, t_star = bound(p)
        print(f"{p.split('/')[-1].removesuffix('.csv')} T*={t_star:.1f} drops={n} k_max={k:.1f}"
              f" forced_lag_slo_s={t:.1f}")
