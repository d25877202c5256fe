import { describe, expect, it } from 'vitest';
import type { ModelBehaviour } from '../../../testing/model-behaviours.js';
import { runsFor } from './any-model-runs.js';

// Seeded whole calls, one model behaviour a batch (see any-model-runs.ts). A failing run prints its
// model, caller and seed: rerun it alone with SIM_ONLY="model=… caller=… seed=…".
const MODELS: ModelBehaviour[] = ['several_tool_calls', 'empty_replies'];

describe.each(MODELS)('whatever the model does (%s), every call keeps the interview invariants', (model) => {
  it('across every caller behaviour and seed', async () => {
    const failures = await runsFor(model);
    expect(failures).toEqual([]);
  }, 900_000);
});
