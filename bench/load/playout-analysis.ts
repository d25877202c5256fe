/**
 * What the phone experienced of the agent's audio, from when each 20 ms frame arrived: how
 * evenly frames came (pacing) and how often the phone's buffer ran dry in the middle of speech
 * (underruns). Pure: arrival times in, figures out.
 *
 * The phone plays at real time from the first frame of a run; each frame extends the buffer by
 * 20 ms. The service sends a burst of ~lead/20 ms frames when a reply starts, then one frame
 * each 20 ms, so pacing gaps are taken only in steady state, after `burstFrames` of a run.
 */
export const FRAME_MS = 20;

export interface PlayoutOptions {
  /** Frames at the start of a run sent back to back by design (the pacing lead), not measured. Default 12. */
  burstFrames?: number;
  /**
   * A dry buffer refilled within this many ms is an underrun (a stall inside speech); a longer
   * silence is a pause between replies. Default 300.
   */
  stallMs?: number;
}

export interface PlayoutFigures {
  frames: number;
  /** |arrival gap − 20 ms| of steady-state frames, ms. */
  pacingDeviationsMs: number[];
  underruns: number;
  /** Total ms the buffer was dry inside speech. */
  underrunMs: number;
  /** Each underrun: when its late frame arrived, and how many frames of the run had come before it. */
  underrunsAt: { atMs: number; framesIntoRun: number }[];
}

export function analysePlayout(arrivalsMs: readonly number[], options: PlayoutOptions = {}): PlayoutFigures {
  const burstFrames = options.burstFrames ?? 12;
  const stallMs = options.stallMs ?? 300;
  const deviations: number[] = [];
  let underruns = 0;
  let underrunMs = 0;
  const underrunsAt: PlayoutFigures['underrunsAt'] = [];
  let playEndsAt = Number.NEGATIVE_INFINITY;
  let inRun = 0;
  for (let i = 0; i < arrivalsMs.length; i++) {
    const at = arrivalsMs[i]!;
    const dryFor = at - playEndsAt;
    if (dryFor > 0) {
      // The buffer was empty when this frame came: a new run, or a stall inside one.
      if (i > 0 && dryFor <= stallMs) {
        underruns++;
        underrunMs += dryFor;
        underrunsAt.push({ atMs: at, framesIntoRun: inRun });
      }
      if (dryFor > stallMs) inRun = 0;
      playEndsAt = at;
    }
    if (inRun >= burstFrames && i > 0) deviations.push(Math.abs(at - arrivalsMs[i - 1]! - FRAME_MS));
    inRun++;
    playEndsAt += FRAME_MS;
  }
  return { frames: arrivalsMs.length, pacingDeviationsMs: deviations, underruns, underrunMs, underrunsAt };
}
