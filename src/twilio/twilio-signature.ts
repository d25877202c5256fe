import type { NextFunction, Request, Response } from 'express';
import twilio from 'twilio';

/**
 * Twilio signs every webhook over the URL *it* requested. Behind a TLS-terminating proxy the
 * server sees an internal URL, so we rebuild the public one: PUBLIC_URL + path + query.
 */
export function publicRequestUrl(publicUrl: string, originalUrl: string): string {
  return `${publicUrl}${originalUrl}`;
}

export function isValidTwilioSignature(options: {
  authToken: string | undefined;
  signature: string | undefined;
  url: string;
  params: Record<string, unknown>;
}): boolean {
  if (!options.authToken || !options.signature) return false;
  return twilio.validateRequest(options.authToken, options.signature, options.url, options.params);
}

/**
 * The Media Streams upgrade is signed over the stream URL exactly as written in the TwiML
 * (wss://…, no body). Some deployments see it as its https:// twin; accept either, nothing else.
 */
export function isValidStreamSignature(options: {
  authToken: string | undefined;
  signature: string | undefined;
  publicUrl: string;
  path: string;
}): boolean {
  const https = `${options.publicUrl}${options.path}`;
  const wss = https.replace(/^http/, 'ws');
  return [wss, https].some((url) =>
    isValidTwilioSignature({ authToken: options.authToken, signature: options.signature, url, params: {} }),
  );
}

/** Express middleware: 403 and no body for a missing or wrong X-Twilio-Signature. */
export function requireTwilioSignature(options: {
  publicUrl: string;
  authToken: string | undefined;
  onRejected?: (req: Request) => void;
}) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const valid = isValidTwilioSignature({
      authToken: options.authToken,
      signature: req.header('x-twilio-signature'),
      url: publicRequestUrl(options.publicUrl, req.originalUrl),
      params: (req.body ?? {}) as Record<string, unknown>,
    });
    if (valid) return next();
    options.onRejected?.(req);
    res.status(403).type('text/plain').send('Forbidden');
  };
}
