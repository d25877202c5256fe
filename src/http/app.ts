import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { requireTwilioSignature } from '../twilio/twilio-signature.js';
import type { CallRegistry } from './call-registry.js';
import { type CallIntake, voiceWebhook } from './voice-webhook.js';

export interface AppDeps {
  publicUrl: string;
  twilioAuthToken: string | undefined;
  logger: Logger;
  metrics: Metrics;
  registry: CallRegistry;
  intake: CallIntake;
  /** Further routers mounted at the root (recruiter API, Twilio status callbacks). */
  routers?: Router[];
  /** The /metrics text when it is not this process's alone (cluster workers: the sum over all). */
  metricsText?: () => Promise<string>;
}

/** Builds the Express app; never listens (the server module does). */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind Fly's proxy: the public URL comes from PUBLIC_URL, never from headers.
  const signed = requireTwilioSignature({
    publicUrl: deps.publicUrl,
    authToken: deps.twilioAuthToken,
    onRejected: (req) => deps.logger.warn({ path: req.path }, 'twilio signature rejected'),
  });
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  app.get('/healthz', (_req, res) => {
    if (deps.registry.isDraining) res.status(503).json({ status: 'draining' });
    else res.json({ status: 'ok', calls: deps.registry.size });
  });
  app.get('/metrics', async (_req, res) => {
    deps.metrics.callsInProgress.set(deps.registry.size);
    const text = deps.metricsText ? await deps.metricsText() : await deps.metrics.registry.metrics();
    res.type(deps.metrics.registry.contentType).send(text);
  });
  app.post('/twilio/voice', form, signed, voiceWebhook({ ...deps }));
  for (const router of deps.routers ?? []) app.use(router);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such route' } });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error({ err }, 'request failed');
    if (!res.headersSent) res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
  });
  return app;
}
