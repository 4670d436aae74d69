package io.migobs.internal;

/**
 * Adaptive batch size and pace. Not thread-safe: the run calls it under its lock. Not API.
 *
 * <p><b>Steering (gates with a target).</b> When some gate has a target, the controller holds a <em>pace</em>, a
 * rows-per-second limit always in force, and moves it once per fresh reading of each steering gate so that the
 * signal settles at its target, below its yellow threshold:
 * <ul>
 *   <li><em>Dead time.</em> A reading describes the past: it was observed some time ago, and it reflects the load
 *       before that. So a reading is compared with the run's own throughput in the sample interval <em>before the
 *       reading was observed</em> (kept in a short history of completions), never with the current pace: a
 *       correction made since is not counted twice, and the loop does not wind up while the signal catches
 *       up. That throughput is taken at most at the pace: a batch completing at the instant of the observation is
 *       in the history but not in the signal's window.</li>
 *   <li><em>A level signal</em> (latency, inflation, CPU: a function of the current load) gets
 *       {@code pace = throughput_then × target / value}: exact when the signal is proportional to the load,
 *       under-correcting (so converging without overshoot) when it is convex, as queueing latency is. When fewer
 *       than {@value #DENSE} batches completed in the interval (a slow start, a slow pace) the measured rate is a
 *       quantization, and growth starts from the larger of it and the pace. A level is not extrapolated: its
 *       change between two readings is mostly the noise of the load, and acting on it makes the pace
 *       oscillate. For the same reason a reading just below target (above {@value #ROOM} of it) moves the pace
 *       up only halfway, in ratio ({@code √(target / value)}): there the gap is of the order of the noise — a
 *       window holding one batch fewer reads 10% low at 0.1 s batches — and a full step on it lands a convex
 *       signal above the target. Far below target, and on the way down, the step is whole.</li>
 *   <li><em>The replica lag</em> (the plan's {@code replicaLag} signal, a heartbeat age) is an accumulation, not a
 *       level: any pace above the replica's apply rate makes it grow without bound, any pace below lets it drain,
 *       whatever the level. Its meaning gives the apply rate directly: between two readings with the replica
 *       busy (lag above zero at both), the replica applied exactly the rows the run committed between
 *       {@code observed₁ − lag₁} and {@code observed₂ − lag₂}. That count is known to a batch (a batch commits
 *       at once), so it is taken over older busy readings back two intervals and at least
 *       {@value #LONG_SPAN_SECONDS} s (two one-second intervals, four readings at four a second) unless the last
 *       span alone differs by more than that noise ({@value #NOISE}× either way, and a batch over its own length:
 *       a stalling or recovering replica is believed at once). When the replica got through no commit at all since
 *       the last reading (it is slower than one batch per interval: the lag moved between the same two commits, or
 *       it is on the first batch after it caught up), the longer span decides, bounded by the batch it sits on over
 *       the time since a reading first found it there: "none applied" there is the quantization, not a replica at
 *       a standstill (read as one, it once sent the pace to its floor and a 10-row batch waited 10 s for its
 *       permits). The
 *       pace is that apply rate scaled to move the lag toward the target within three dead times,
 *       {@code pace = apply / (1 − s)} with the wanted slope
 *       {@code s = (target − lag') / (3 D)} bounded to [−0.5, 0.3], where {@code lag'} is the lag extrapolated along
 *       its trend over the dead time {@code D} (the reading's age plus one interval; a falling trend is believed
 *       only halfway). An accumulation's trend is real, not noise: the backlog behind it is already written.
 *       While {@code lag'} — or the lag the backlog already written will reach, the rows committed but not applied
 *       over the apply rate — is beyond the gate's yellow threshold the bound is −4 instead of −0.5 (at most a
 *       fifth of the apply rate): every second there is a second above the SLO, and the rows held back are a
 *       fraction of a replica that is itself slow. And the slope is then taken from that peak, not from
 *       {@code lag'}: the lag will reach it whatever the run does next, and rows written now are applied after it
 *       (steered from {@code lag'}, a lag of 1.7 s whose backlog would take it to 5.2 s kept the pace at three
 *       fifths of the apply rate). A reading above the target right after one at zero is measured the same way: the
 *       replica was caught up when the earlier reading was observed, so it applied exactly the rows committed from
 *       then to its position now (a replica that stalls is seen at the first reading; taken as a level,
 *       {@code target / value}, the pace was cut to a third of the old throughput — still nearly twice what the
 *       slowed replica applied — for a whole interval). A lag at most its target after one at zero is left to the
 *       level rule: there a batch or two is the whole signal.</li>
 *   <li>A reading at zero says only that the limit is higher: the pace grows, from one initial batch per second,
 *       by 2× per reading until some signal first reads near its target (slow start: the limit is unknown), by at
 *       most 1.5× per reading after. While a gate reads beyond yellow the pace never grows: it is at most what ran
 *       in the interval before the reading, or the pace when fewer than {@value #DENSE} batches ran in it (read
 *       often at a slow pace, an interval may hold none, and a measured zero sent the pace to its floor).</li>
 *   <li>The pace is the minimum over every steering gate's latest proposal — not only over the gates read in
 *       this round: gates read at different times (other intervals, other ages) must not let the one read last
 *       decide alone (a lag read four times a second grew the pace past the inflation's limit between its
 *       readings). A proposal counts for {@value #STALE_INTERVALS} of its gate's sample intervals; after that the
 *       gate has stopped steering (its reads fail, or it is not in the phase) and the others decide. The pace is
 *       never below the floor (a tenth of the minimum batch size per second) and never above 1.25× what the
 *       batches themselves do, one batch's speed times the batches in flight together (a pace the connections
 *       cannot reach means nothing). A batch is at most a tenth of a second of pace, so the load is spread
 *       evenly at the time scale the signals measure: a burst of commits is what a one-second latency or
 *       throughput window sees. That tenth is rounded up to a whole row, never
 *       down: batches paced a tenth of a second apart or more never put eleven in a one-second window, one batch
 *       (10%) more than the pace.
 *       When the connection itself cannot keep the pace there is no idle time left to spread, and longer
 *       batches save their fixed cost: batches grow up to {@value #MAX_SLICE_SECONDS} s of pace, as far as the
 *       steering signals leave room for one batch more in a one-second window — a batch of s seconds lets the
 *       window hold s more than the rate, so a level at the worst of its last three readings may rise by that
 *       share (taken as proportional to the load) before it reaches its target; a lag above its target leaves
 *       none.</li>
 *   <li><em>A level beyond yellow drains its window first.</em> Its window (taken as the gate's sample interval)
 *       already holds more load than the cut pace, and a cut lowers only the rows to come: batches of the new pace
 *       started at once add to the window before the old commits leave it, so the signal climbs further before it
 *       falls (a one-second window of four 0.25 s batches at the old rate plus the new pace's first two read 4.54,
 *       past a red line of 4, a quarter second after the reading that cut the pace; a continuous writer at the
 *       same rates would have read 2.9). So the next batch waits ({@link #holdUntil()}) until the rows committed in
 *       the last interval (at most {@link #MAX_DRAIN_WINDOW_NANOS}: a wait in the rate schedule delays a pause or
 *       an abort), plus itself, fit the new pace: the window holds the new pace at once. Only beyond
 *       yellow, where every second is a second above the SLO: between target and yellow the cut is small and a
 *       hold would cost about a batch per cut for nothing. A lag is not held: its backlog is already written.</li>
 *   <li><em>Brake.</em> Between readings, when two batches in a row run below {@value #BRAKE_AT} of the speed of
 *       the round's first batch, the database is busier now, a sample interval before any signal can show it: the
 *       rate limit is scaled by that ratio until a reading observed after the brake arrives.</li>
 *   <li>A steering gate that turns yellow is answered by steering, which knows how far off it is; the halving
 *       below applies to the gates without a target.</li>
 * </ul>
 *
 * <p><b>Yellow (AIMD, every gate).</b>
 * <ul>
 *   <li>Per completed batch, the active throughput of batches is smoothed with weight 0.75 on history
 *       ({@code r = 0.75 r + 0.25 rows/duration}, pt-online-schema-change's weighting). The ideal size is
 *       {@code r × targetBatchTime}.</li>
 *   <li>Green: the size grows additively by {@code step = max(min, initial / 2)} per batch, never past the ideal;
 *       if the ideal is below the current size (batches take longer than the target), the size drops to the ideal
 *       at once. Additive growth approaches the limit carefully; a direct jump to the ideal after a throttle would
 *       re-create the load that caused it.</li>
 *   <li>Yellow (throttle): on a fresh non-green gate sample, size and rate halve (multiplicative decrease), at
 *       most once per hold window of the yellow gates (the run spaces the calls). The rate cap starts at half the
 *       recent throughput when no cap was in force. Halving per <em>hold window</em>, not per batch or per sample,
 *       keeps the decrease proportional to how long the signal stays bad, whatever the batch rate, without cutting
 *       again before the signal could show the effect of the last cut.</li>
 *   <li>Green samples while a rate cap from throttling is in force raise it additively by 10% of the rate before
 *       throttling (or of the plan's cap); the cap is lifted when it reaches either.</li>
 *   <li>Everything is clamped to [min, max] batch size; the phase may lower max.</li>
 * </ul>
 * AIMD is the scheme TCP uses to share a bottleneck safely: backing off fast and probing slowly converges to the
 * capacity without oscillating into overload. Steering keeps the run from reaching yellow at all; AIMD remains the
 * safety net when it does (a sudden change the dead time hid).
 */
public final class BatchController {
    /** Growth of the pace per sample when nothing limits it (slow start). */
    static final double MAX_GROWTH = 1.5;
    /** Growth of the pace per sample until a signal first comes near its target (the limit is still unknown). */
    static final double SLOW_START_GROWTH = 2;
    /** Largest cut of the pace per sample. */
    static final double MAX_CUT = 0.25;
    /** A batch carries at most this much of the pace: the rate limiter's refresh period. */
    static final double PACE_SLICE_SECONDS = 0.1;
    /** A batch carries at most this much of the pace when the connection, not the pace, limits the run. */
    static final double MAX_SLICE_SECONDS = 0.2;
    private static final double MAX_PACE = 1e12;
    /**
     * A steering reading at most this share of its target (lag: at most its target) is far from it: slow start
     * goes on, and a level's step up is whole.
     */
    static final double ROOM = 0.8;
    /**
     * Below its target but within {@link #ROOM} of it, a level's proportional step up is taken to this power
     * (0.5: halfway, in ratio).
     */
    static final double NEAR_STEP = 0.5;
    /** A batch faster than this times the pace shows the pace limits the run. */
    static final double PACE_BOUND = 1.25;
    /** Growth (and shrinking) of the slice per batch. */
    static final double SLICE_GROWTH = 1.25;
    /** Batches this much slower than the round's first batch brake the pace by their ratio. */
    static final double BRAKE_AT = 0.9;
    /** Completions in a sample interval from which its measured throughput is trusted over the pace. */
    static final int DENSE = 4;
    /**
     * An apply rate over one interval within this ratio of the rate over two is noise (a batch per interval), not
     * a change of the replica's speed.
     */
    static final double NOISE = 0.8;
    /** The steepest fall of the lag steering wants, in seconds per second, while the lag is at most yellow. */
    static final double SETTLE_SLOPE = -0.5;
    /** The steepest fall of the lag steering wants while the lag (extrapolated) is beyond yellow: pace = apply / 5. */
    static final double DRAIN_SLOPE = -4;
    /** Older readings a lag track remembers, to widen an apply-rate span that holds no commit. */
    static final int SPAN_READINGS = 40;
    /**
     * Commits an apply-rate span must hold: a span without one reads as nothing applied when the replica is only
     * still on the same batch.
     */
    static final int SPAN_COMMITS = 1;
    /**
     * The shortest span, in seconds of readings, over which the replica's apply rate is measured unless it changed at
     * once; the span also covers at least two of the gate's intervals.
     */
    static final double LONG_SPAN_SECONDS = 1;
    /**
     * Two replica positions ({@code observed − lag}) this close are the same: a reading's observation time is a
     * whole millisecond, so a replica that did not move can appear to have moved back by up to that much.
     */
    static final long POSITION_JITTER_NANOS = 2_000_000L;
    /**
     * The longest window a level beyond yellow drains before the next batch (its sample interval, at most this): a
     * run waiting in its rate schedule cannot pause or abort until the wait ends.
     */
    static final long MAX_DRAIN_WINDOW_NANOS = 1_000_000_000L;
    /**
     * A gate's last proposal counts in the pace for this many of its sample intervals after it was made: longer, and
     * a gate that stopped steering (no longer in the phase, its reads failing) would hold the pace forever.
     */
    static final int STALE_INTERVALS = 3;
    private static final int HISTORY = 2048;
    private static final long HISTORY_SPACING_NANOS = 10_000_000L;

    private final int min;
    private final int max;
    private final double step;
    private final double targetSeconds;
    private final double minRate;
    private final double initialRate;
    private double size;
    private double throughput;
    private double rateCap;
    private double rateBeforeThrottle;

    private double pace;
    private double slice = PACE_SLICE_SECONDS;
    private boolean roomy;
    private boolean slowStart = true;
    private long roundNewestObs = Long.MIN_VALUE;
    private double refSpeed = Double.NaN;
    private double lastSpeed = Double.NaN;
    private double brake = 1;
    private int workers = 1;
    private int roundWorkers = 1;
    private long brakeAt;
    /** Longest batch, in seconds of pace, while the connection is the limit: from the signals' headroom. */
    private double sliceRoom = PACE_SLICE_SECONDS;
    private long holdUntil = Long.MIN_VALUE;
    private final long[] histTime = new long[HISTORY];
    private final long[] histRows = new long[HISTORY];
    private int histNext;
    private int histCount;
    private long baseTime = Long.MIN_VALUE;
    private long baseRows;
    /** One per steering gate, found by the gate's identity (a run has a handful). */
    private Track[] tracks = new Track[4];
    private int trackCount;
    private boolean roundFresh;

    /** What the controller remembers of one steering gate. */
    private static final class Track {
        final Object key;
        long obs = Long.MIN_VALUE;
        double value;
        /**
         * Readings before {@link #obs}, newest first (for an apply rate over a span that holds enough commits, and
         * the worst of the last three readings).
         */
        final long[] olderObs = new long[SPAN_READINGS];
        final double[] olderValue = new double[SPAN_READINGS];
        int older;
        /** The pace this gate proposed at its last fresh reading (NaN before one), and what came with it. */
        double proposal = Double.NaN;
        /** Whether the last reading was a level beyond yellow (its window already holds too much load). */
        boolean levelBeyondYellow;
        boolean room;
        double headroom;
        long proposedAt;
        long interval;

        Track(Object key) {
            this.key = key;
        }

        void remember(long obs, double value) {
            System.arraycopy(olderObs, 0, olderObs, 1, SPAN_READINGS - 1);
            System.arraycopy(olderValue, 0, olderValue, 1, SPAN_READINGS - 1);
            olderObs[0] = obs;
            olderValue[0] = value;
            older = Math.min(SPAN_READINGS, older + 1);
        }
    }

    public BatchController(int initial, int min, int max, double targetSeconds) {
        this.min = min;
        this.max = max;
        this.size = initial;
        this.step = Math.max(min, initial / 2.0);
        this.targetSeconds = targetSeconds;
        this.minRate = Math.max(1.0, min / 10.0);
        this.initialRate = initial; // one initial batch per second: nothing is known about the load yet
    }

    /** The size of the next batch within [min, min(max, phaseMax)]. */
    public int next(int phaseMax) {
        int cap = phaseMax > 0 ? Math.min(max, phaseMax) : max;
        double s = Math.round(size);
        if (pace > 0 && pace * slice < s) {
            // rounded up: a batch then carries at least the slice of the pace, and batches start at least a slice
            // apart, so a one-second window never holds one batch more than the pace (10% at 0.1 s slices)
            s = Math.ceil(pace * slice - 1e-9);
        }
        return (int) Math.max(min, Math.min(cap, s));
    }

    public int size() {
        return (int) Math.round(size);
    }

    /** The run's start: the origin of the throughput history. */
    public void start(long nanos, long rows) {
        baseTime = nanos;
        baseRows = rows;
    }

    /** Records the run's cumulative rows at a batch completion (for throughput over past intervals). */
    public void progress(long nanos, long cumulativeRows) {
        if (histCount > 0) {
            int last = (histNext - 1 + HISTORY) % HISTORY;
            if (nanos - histTime[last] < HISTORY_SPACING_NANOS) {
                histTime[last] = nanos;
                histRows[last] = cumulativeRows;
                return;
            }
        }
        histTime[histNext] = nanos;
        histRows[histNext] = cumulativeRows;
        histNext = (histNext + 1) % HISTORY;
        if (histCount < HISTORY) {
            histCount++;
        }
    }

    /** Cumulative rows committed at time t (the last completion at or before t), or -1 when t is before history. */
    long rowsAt(long t) {
        for (int i = 1; i <= histCount; i++) {
            int idx = (histNext - i + HISTORY) % HISTORY;
            if (histTime[idx] <= t) {
                return histRows[idx];
            }
        }
        if (histCount < HISTORY && baseTime != Long.MIN_VALUE && t >= baseTime) {
            return baseRows;
        }
        return -1;
    }

    /** Completions recorded in (from, to]. */
    int completionsBetween(long from, long to) {
        int n = 0;
        for (int i = 1; i <= histCount; i++) {
            long t = histTime[(histNext - i + HISTORY) % HISTORY];
            if (t <= from) {
                break;
            }
            if (t <= to) {
                n++;
            }
        }
        return n;
    }

    /** Rows per second committed in [from, to], or NaN when the history does not reach back to {@code from}. */
    double rateBetween(long from, long to) {
        if (to <= from) {
            return Double.NaN;
        }
        long a = rowsAt(from);
        long b = rowsAt(to);
        if (a < 0 || b < 0) {
            return Double.NaN;
        }
        return (b - a) / ((to - from) / 1e9);
    }

    /**
     * One fresh reading of a steering gate: proposes a pace for this round.
     *
     * @param key the gate's identity
     * @param value the reading (valid)
     * @param target the value to settle at
     * @param yellow the yellow threshold (NaN when none)
     * @param above whether high values are bad
     * @param accumulating whether the signal is a heartbeat lag (an accumulation) rather than a level
     * @param observedNanos when the reading was observed, on the run's clock
     * @param intervalNanos the gate's sample interval
     * @param now the run's clock
     */
    public void steer(Object key, double value, double target, double yellow, boolean above, boolean accumulating,
            long observedNanos, long intervalNanos, long now) {
        Track t = track(key);
        if (observedNanos <= t.obs) {
            return; // the same reading again: nothing new
        }
        double interval = intervalNanos / 1e9;
        double dead = Math.max(0, (now - observedNanos) / 1e9) + interval;
        double before = rateBetween(observedNanos - intervalNanos, observedNanos);
        boolean measured = !Double.isNaN(before);
        // enough completions in the interval for the measured rate to be what the signal saw, not a quantization
        boolean dense = measured && completionsBetween(observedNanos - intervalNanos, observedNanos) >= DENSE;
        if (!measured) {
            before = pace > 0 ? pace : initialRate;
        }
        // what the reading saw: the measured throughput, but never more than the pace (a batch completing at the
        // instant of the observation may be in the measurement and not in the signal's window)
        double seen = pace > 0 ? Math.min(before, pace) : before;
        // growth starts from the pace when batches were too sparse to measure (a slow pace, or a slow start)
        double growth = slowStart ? SLOW_START_GROWTH : MAX_GROWTH;
        double grow = measured ? Math.max(before, pace) * growth : (pace > 0 ? pace : initialRate);
        boolean hasPrev = t.obs != Long.MIN_VALUE;
        double span = hasPrev ? (observedNanos - t.obs) / 1e9 : 0;
        double slope = hasPrev ? (value - t.value) / span : 0;
        double proposal;
        double lagPace = Double.NaN;
        if (!above) {
            // low values are bad (free space, headroom): the mirror image of a level
            if (value >= target) {
                proposal = target <= 0 ? grow : Math.min(grow, Math.max(before, pace) * value / target);
            } else {
                proposal = before * Math.max(MAX_CUT, target <= 0 ? 0 : value / target);
            }
        } else if (accumulating && hasPrev && value > 0 && !Double.isNaN(lagPace = lagPace(t, observedNanos, value,
                span, before, slope, interval, dead, target, yellow, grow, now))) {
            proposal = lagPace;
        } else if ((accumulating && value <= 0) || value <= 0) {
            proposal = grow;
        } else if (value <= target) {
            // below target: go faster, from the pace when batches were too sparse to measure
            double up = target / value;
            if (value > ROOM * target) {
                // near the target the gap is of the order of the reading's own noise (a batch more or less in
                // the signal's window): go halfway, in ratio
                up = Math.pow(up, NEAR_STEP);
            }
            proposal = Math.min(grow, (dense ? seen : Math.max(before, pace)) * up);
        } else {
            // above target: cut from the throughput that produced the reading
            proposal = seen * Math.max(MAX_CUT, target / value);
        }
        if (above ? value > yellow : value < yellow) {
            // never faster while the gate reads beyond yellow: than what ran, or, when too few batches ran in the
            // interval to measure it (a slow pace read often), than the pace (a measured zero would be the
            // quantization, and would send the pace to its floor)
            proposal = Math.min(proposal, dense || pace <= 0 ? before : Math.max(before, pace));
        }
        t.levelBeyondYellow = !accumulating && !Double.isNaN(yellow) && (above ? value > yellow : value < yellow);
        boolean room = accumulating ? value <= target
                : above ? value <= ROOM * target : value >= target / ROOM;
        t.room = room;
        t.headroom = headroom(t, value, target, above, accumulating);
        roundNewestObs = Math.max(roundNewestObs, observedNanos);
        if (t.obs != Long.MIN_VALUE) {
            t.remember(t.obs, t.value);
        }
        t.obs = observedNanos;
        t.value = value;
        t.proposal = proposal;
        t.proposedAt = now;
        t.interval = intervalNanos;
        roundFresh = true;
    }


    /**
     * The pace a heartbeat lag reading proposes from the replica's measured apply rate (see the class description),
     * or NaN when the previous reading found the replica caught up and this one is at most its target with a
     * backlog not headed beyond yellow (then the level rules decide: a small lag after none is the noise of a
     * batch or two).
     */
    private double lagPace(Track t, long observedNanos, double value, double span, double before, double slope,
            double interval, double dead, double target, double yellow, double grow, long now) {
        double apply = applyRate(t, observedNanos, value, span, before, slope, interval);
        double predicted = value + (slope > 0 ? slope : slope / 2) * dead;
        // beyond yellow every second counts: drain as fast as a fifth of the apply rate lets it
        // the lag the rows already committed will reach: the last of them is applied only after all before it,
        // at the apply rate, so its lag then is the backlog over that rate, whatever the run does next
        double peak = predicted;
        if (apply > 0) {
            long pending = rowsAt(now) - rowsAt(position(observedNanos, value));
            peak = Math.max(peak, pending / apply);
        }
        boolean beyond = !Double.isNaN(yellow) && peak > yellow;
        if (t.value <= 0 && !(apply > 0 && (beyond || value > target))) {
            return Double.NaN;
        }
        double steepest = beyond ? DRAIN_SLOPE : SETTLE_SLOPE;
        // headed beyond yellow, the lag will reach the peak whatever the run does next: steer from there
        double wanted = Math.max(steepest, Math.min(0.3, (target - (beyond ? peak : predicted)) / (3 * dead)));
        return Math.min(apply / (1 - wanted), Math.max(grow, apply * MAX_GROWTH));
    }

    private Track track(Object key) {
        for (int i = 0; i < trackCount; i++) {
            if (tracks[i].key == key) {
                return tracks[i];
            }
        }
        if (trackCount == tracks.length) {
            tracks = java.util.Arrays.copyOf(tracks, trackCount * 2);
        }
        Track t = new Track(key);
        tracks[trackCount++] = t;
        return t;
    }

    /** Where a heartbeat lag puts the replica: at the commit time of its oldest unapplied row. */
    private static long position(long observedNanos, double lagSeconds) {
        return observedNanos - Math.round(lagSeconds * 1e9);
    }

    /** A position up to {@link #POSITION_JITTER_NANOS} after {@code to} is {@code to} (whole-millisecond stamps). */
    private static long notAfter(long position, long to) {
        return position > to && position - to <= POSITION_JITTER_NANOS ? to : position;
    }

    /**
     * The replica's apply rate, from the rows the run committed between where the replica was at earlier readings
     * and where it is now (a heartbeat lag puts the replica at {@code observed − lag}). Those rows are known only to a
     * batch — a batch commits at once — so the count over a span is off by up to a batch: over the last reading's
     * span alone that is a batch per interval of noise (±10% at 0.1 s batches and one-second readings, ±80% at 0.2 s
     * batches and readings four times a second), which the pace would follow. So the rate is taken over a span
     * reaching back over older busy readings two intervals and at least {@value #LONG_SPAN_SECONDS} s (and a commit),
     * and the last span alone is believed only when it differs from that by more than both the noise ratio
     * ({@value #NOISE}×, either way) and a batch over its own length: a stalling or recovering replica is believed at
     * once. (Longer than a second at four readings a second, the span lags a stall: two seconds spent 24% more time
     * above the lag SLO.) When the last span holds no commit the replica is still on the same batch ("none applied"
     * is the quantization): the longer span decides, and it may start at a reading that found the replica caught
     * up (all rows committed before that reading were applied by then) rather than finding no busy reading and
     * measuring nothing — but no faster than the batch the replica is on (the one committed at its position) in the
     * time since a reading first found it there: a bound that tightens with every reading of a stall, and the only
     * measure when the stall outlasts the readings remembered. Two positions within
     * {@value #POSITION_JITTER_NANOS} ns are the same.
     */
    private double applyRate(Track t, long observedNanos, double value, double span, double before, double slope,
            double interval) {
        double longSpanSeconds = Math.max(2 * interval, LONG_SPAN_SECONDS);
        long toT = position(observedNanos, value);
        long fromT = notAfter(position(t.obs, t.value), toT);
        long fromRows = rowsAt(fromT);
        long toRows = rowsAt(toT);
        if (fromRows < 0 || toT < fromT) {
            return before * (1 - Math.min(slope, 1 - MAX_CUT));
        }
        double shortApply = (toRows - fromRows) / span;
        int shortCommits = completionsBetween(fromT, toT);
        // a longer span, back over older busy readings, until it covers two intervals and LONG_SPAN_SECONDS and holds
        // a commit; a reading that found the replica caught up may start it when no busy one gives a commit
        double longApply = Double.NaN;
        double longSpan = span;
        int longCommits = shortCommits;
        long longFromRows = fromRows;
        for (int i = 0; i < t.older; i++) {
            boolean caughtUp = t.olderValue[i] <= 0;
            if (caughtUp && longCommits >= SPAN_COMMITS) {
                break;
            }
            long from = notAfter(position(t.olderObs[i], t.olderValue[i]), toT);
            long a = rowsAt(from);
            if (a < 0 || from > toT) {
                break;
            }
            longSpan = (observedNanos - t.olderObs[i]) / 1e9;
            longApply = (toRows - a) / longSpan;
            longCommits = completionsBetween(from, toT);
            longFromRows = a;
            if (caughtUp || (longSpan >= longSpanSeconds - 1e-9 && longCommits >= SPAN_COMMITS)) {
                break;
            }
        }
        if (Double.isNaN(longApply)) {
            return shortApply;
        }
        if (shortCommits < SPAN_COMMITS) {
            // the replica is still on the same batch: "none applied" is the quantization. But it has been on that
            // batch (committed at its position) since at least the first reading that found it there, and it
            // cannot be applying faster than that batch in that time: a bound that tightens with every reading of
            // a stall, and the only measure when no span within memory holds a commit
            long since = t.obs;
            for (int i = 0; i < t.older; i++) {
                long from = position(t.olderObs[i], t.olderValue[i]);
                if (t.olderValue[i] <= 0 || Math.abs(from - toT) > POSITION_JITTER_NANOS) {
                    break;
                }
                since = t.olderObs[i];
            }
            double onIt = (observedNanos - since) / 1e9;
            long batchRows = rowsAt(toT + POSITION_JITTER_NANOS) - rowsAt(toT - POSITION_JITTER_NANOS);
            double bound = onIt > 0 && batchRows > 0 ? batchRows / onIt : Double.POSITIVE_INFINITY;
            double measured = longCommits >= SPAN_COMMITS ? longApply : Double.POSITIVE_INFINITY;
            double r = Math.min(measured, bound);
            return r == Double.POSITIVE_INFINITY ? longApply : r;
        }
        // the short span's own quantization: a batch more or less over it
        double q = longCommits > 0 ? (toRows - longFromRows) / (double) longCommits / span : 0;
        double lo = Math.min(NOISE * longApply, longApply - q);
        double hi = Math.max(longApply / NOISE, longApply + q);
        return shortApply >= lo && shortApply <= hi ? longApply : shortApply;
    }

    /**
     * The share of the rate one batch more in the signal's window may add before the reading reaches its target,
     * which bounds how long a batch may be when the connection, not the pace, is the limit: a batch of s seconds
     * of the rate commits at once, so a one-second window holds up to s more than the rate. A level is taken as
     * proportional to the load, at the worst of its last three readings (one reading is noisy); a lag at most
     * its target leaves room for the longest slice, above it none.
     */
    private static double headroom(Track t, double value, double target, boolean above, boolean accumulating) {
        if (accumulating) {
            return value <= target ? MAX_SLICE_SECONDS : 0;
        }
        double worst = value;
        if (t.obs != Long.MIN_VALUE) {
            worst = above ? Math.max(worst, t.value) : Math.min(worst, t.value);
        }
        if (t.older > 0) {
            worst = above ? Math.max(worst, t.olderValue[0]) : Math.min(worst, t.olderValue[0]);
        }
        if (above) {
            return worst > 0 ? target / worst - 1 : MAX_SLICE_SECONDS;
        }
        return target > 0 ? worst / target - 1 : MAX_SLICE_SECONDS;
    }

    /**
     * Ends a round of readings: when some gate read fresh in it, the pace becomes the smallest of every steering
     * gate's latest proposal that is still current.
     */
    public void endRound() {
        double roundPace = Double.POSITIVE_INFINITY;
        long drainWindow = 0;
        long latest = Long.MIN_VALUE; // the round's clock: its newest proposal
        boolean roundRoomy = true;
        double roundHeadroom = Double.POSITIVE_INFINITY;
        if (roundFresh) {
            // every steering gate's latest proposal, not only those of the gates read in this round: gates read at
            // different times (other intervals, other ages) must not let the one read last decide alone
            for (int i = 0; i < trackCount; i++) {
                latest = Math.max(latest, tracks[i].proposedAt);
            }
            for (int i = 0; i < trackCount; i++) {
                Track k = tracks[i];
                if (Double.isNaN(k.proposal) || latest - k.proposedAt > STALE_INTERVALS * k.interval) {
                    continue; // no reading yet, or the gate has not steered for a while (no longer read, failing)
                }
                if (k.levelBeyondYellow && k.proposedAt == latest) {
                    drainWindow = Math.max(drainWindow, Math.min(k.interval, MAX_DRAIN_WINDOW_NANOS));
                }
                roundPace = Math.min(roundPace, k.proposal);
                roundRoomy &= k.room;
                roundHeadroom = Math.min(roundHeadroom, k.headroom);
            }
        }
        if (roundPace != Double.POSITIVE_INFINITY) {
            // a pace beyond what the connections do means nothing: keep it within reach of the batches' speed
            // times the batches that ran together (workers sharing the run)
            workers = roundWorkers;
            roundWorkers = 1;
            double reach = throughput > 0 ? PACE_BOUND * throughput * workers : MAX_PACE;
            pace = Math.min(Math.min(MAX_PACE, reach), Math.max(minRate, roundPace));
            roomy = roundRoomy;
            sliceRoom = Math.max(PACE_SLICE_SECONDS, Math.min(MAX_SLICE_SECONDS, roundHeadroom));
            if (brake < 1 && roundNewestObs >= brakeAt) {
                brake = 1; // the readings have seen the slowdown the brake anticipated
            }
            refSpeed = Double.NaN;
            slowStart &= roomy;
            slice = Math.min(slice, sliceRoom);
            if (drainWindow > 0) {
                holdUntil = Math.max(holdUntil, drainedAt(latest, drainWindow, pace * brake));
            }
        }
        roundNewestObs = Long.MIN_VALUE;
        roundFresh = false;
    }

    /**
     * When the rows committed in the last {@code window} nanoseconds before {@code now}, plus the next batch, fit a
     * window of {@code rate} rows per second: {@code now} when they already do, else the first time an old commit
     * leaves the window and they do (assuming nothing else commits meanwhile); {@code now} when the history does not
     * reach back a window.
     */
    private long drainedAt(long now, long window, double rate) {
        long head = rowsAt(now);
        long from = rowsAt(now - window);
        if (head < 0 || from < 0) {
            return now;
        }
        double budget = Math.max(0, rate * window / 1e9 - next(0));
        if (head - from <= budget) {
            return now;
        }
        // oldest first: the first completion whose leaving brings the window within budget
        for (int i = histCount; i >= 1; i--) {
            int idx = (histNext - i + HISTORY) % HISTORY;
            long t = histTime[idx];
            if (t <= now - window || t > now) {
                continue;
            }
            if (head - histRows[idx] <= budget) {
                return t + window;
            }
        }
        return now;
    }

    /**
     * The earliest start of the next batch, in nanoseconds on the run's clock ({@link Long#MIN_VALUE} when none was
     * set; it only moves forward): after a level reading beyond yellow, when the rows committed in that gate's last
     * sample interval, plus the next batch, fit the new pace (see "A level beyond yellow drains its window first"
     * in the class description).
     */
    public long holdUntil() {
        return holdUntil;
    }

    /** The pace from steering in rows per second, or 0 when no gate steers. */
    public double pace() {
        return pace;
    }

    /**
     * Records a completed batch of one of {@code workers} batches in flight together (workers sharing the run);
     * grows toward the ideal when green.
     *
     * @return whether the rate limit changed (a brake on slower batches)
     */
    public boolean onBatch(long rows, long durationNanos, boolean green, long now, int workers) {
        boolean changed = false;
        roundWorkers = Math.max(roundWorkers, Math.max(1, workers));
        if (rows > 0 && durationNanos > 0) {
            double r = rows / (durationNanos / 1e9);
            if (pace > 0) {
                changed = brake(r, now);
            }
            throughput = throughput == 0 ? r : 0.75 * throughput + 0.25 * r;
            if (pace > 0) {
                // the connection itself cannot keep the pace: no idle time left to spread, so longer batches only
                // save their fixed cost; when it can again, back to short slices
                // one batch's speed times the batches running together: what the connections do at most
                double all = r * workers;
                double most = sliceRoom;
                if (all < pace) {
                    slice = Math.min(most, slice * SLICE_GROWTH);
                } else if (all > pace * PACE_BOUND) {
                    slice = Math.max(PACE_SLICE_SECONDS, slice / SLICE_GROWTH);
                }
                slice = Math.min(most, slice);
            }
        }
        if (green && throughput > 0) {
            double ideal = throughput * targetSeconds;
            if (size < ideal) {
                size = Math.min(ideal, size + step);
            } else {
                size = ideal;
            }
            size = clamp(size);
        }
        return changed;
    }

    /**
     * Between readings, a batch that runs clearly slower than the first batch of the round measures a busier
     * database now, a sample interval before any signal can show it: the pace is scaled down by the same ratio
     * (the slower of the last two batches must both be slower, so one slow batch does not brake). Only down: a
     * faster database is left to the next reading. The next round of readings releases the brake unless every
     * reading in it was observed before the brake.
     */
    private boolean brake(double r, long now) {
        if (Double.isNaN(refSpeed)) {
            refSpeed = r;
            lastSpeed = Double.NaN;
            return false;
        }
        double prev = lastSpeed;
        lastSpeed = r;
        if (Double.isNaN(prev)) {
            return false;
        }
        double ratio = Math.max(prev, r) / refSpeed;
        if (ratio < BRAKE_AT && ratio < brake) {
            brake = ratio;
            brakeAt = now;
            return true;
        }
        return false;
    }

    /** A fresh yellow sample: halve size and rate. */
    public void backOff(double recentRowsPerSecond) {
        size = clamp(size / 2);
        if (rateCap == 0) {
            double base = recentRowsPerSecond > 0 ? recentRowsPerSecond : throughput;
            if (base <= 0) {
                return;
            }
            rateBeforeThrottle = base;
            rateCap = Math.max(minRate, base / 2);
        } else {
            rateCap = Math.max(minRate, rateCap / 2);
        }
    }

    /** A fresh all-green sample: raise the rate cap additively, lift it when restored. */
    public void recover(double planCap) {
        if (rateCap == 0) {
            return;
        }
        double reference = planCap > 0 ? Math.min(planCap, rateBeforeThrottle) : rateBeforeThrottle;
        rateCap += Math.max(minRate, 0.1 * reference);
        if (rateCap >= reference) {
            rateCap = 0;
        }
    }

    /** The controller's rate limit in rows per second — the smaller of the AIMD cap and the pace — or 0 when none. */
    public double rateCap() {
        if (pace > 0) {
            double p = pace * brake;
            return rateCap > 0 ? Math.min(rateCap, p) : p;
        }
        return rateCap;
    }


    private double clamp(double s) {
        return Math.max(min, Math.min(max, s));
    }
}
