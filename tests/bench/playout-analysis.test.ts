import { describe, expect, it } from 'vitest';
import { analysePlayout } from '../../bench/load/playout-analysis.js';
import { SeededRandom } from '../../testing/seeded-random.js';

/** A reply as a well-paced service sends it: a burst of `lead` frames, then one each 20 ms. */
function pacedReply(startMs: number, frames: number, lead = 10): number[] {
  return Array.from({ length: frames }, (_, i) => (i < lead ? startMs : startMs + (i - lead + 1) * 20));
}

describe('playout analysis (bench:load)', () => {
  it('a well-paced reply has no underrun and no pacing deviation, across reply lengths and pauses', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rng = new SeededRandom(seed);
      const random = () => rng.next();
      let at = 0;
      const arrivals: number[] = [];
      for (let reply = 0; reply < 5; reply++) {
        const frames = 20 + Math.floor(random() * 300);
        arrivals.push(...pacedReply(at, frames));
        // A pause between replies longer than the stall bound: not an underrun.
        at = arrivals.at(-1)! + 200 + 400 + Math.floor(random() * 3000);
      }
      const figures = analysePlayout(arrivals);
      expect(figures.underruns, `seed ${seed}`).toBe(0);
      expect(Math.max(...figures.pacingDeviationsMs), `seed ${seed}`).toBe(0);
    }
  });

  it('a frame held back past the buffer is one underrun, and its lateness shows in the pacing', () => {
    const arrivals = pacedReply(0, 100);
    // Frame 60 and everything after it come 250 ms late: the 200 ms buffer runs dry for ~50 ms.
    const late = arrivals.map((t, i) => (i >= 60 ? t + 250 : t));
    const figures = analysePlayout(late);
    expect(figures.underruns).toBe(1);
    expect(figures.underrunMs).toBeGreaterThan(30);
    expect(Math.max(...figures.pacingDeviationsMs)).toBe(250);
  });

  it('jitter smaller than the lead is pacing deviation but never an underrun', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rng = new SeededRandom(seed);
      const random = () => rng.next();
      const arrivals = pacedReply(0, 500).map((t, i) => (i < 10 ? t : t + Math.floor(random() * 60)));
      arrivals.sort((a, b) => a - b);
      const figures = analysePlayout(arrivals);
      expect(figures.underruns, `seed ${seed}`).toBe(0);
      expect(Math.max(...figures.pacingDeviationsMs), `seed ${seed}`).toBeGreaterThan(0);
    }
  });
});
