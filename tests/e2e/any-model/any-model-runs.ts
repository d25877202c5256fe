import { checkRun, describeRun, runBatch, specsFor, summarise } from '../../../testing/any-model-simulation.js';
import type { ModelBehaviour } from '../../../testing/model-behaviours.js';

/** Seeds a model behaviour runs with: 6 × 5 caller behaviours = 30 calls, 300 over the ten behaviours. */
export const SEEDS = { from: 1, to: 6 };

/**
 * Runs the model's batch and returns its failures, each naming its run (`SIM_ONLY` reruns one:
 * its exact `describeRun` text). Prints the behaviour's median call length and stages reached.
 */
export async function runsFor(model: ModelBehaviour): Promise<string[]> {
  const only = process.env.SIM_ONLY;
  const specs = specsFor(model, SEEDS.from, SEEDS.to).filter((s) => !only || describeRun(s) === only);
  if (specs.length === 0) return [];
  const results = await runBatch(model, specs);
  console.log(summarise(results));
  return results.flatMap((r) => checkRun(r).map((problem) => `${describeRun(r.spec)}: ${problem}`));
}
