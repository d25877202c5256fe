import express, { type NextFunction, type Request, type Response } from 'express';
import { secretsEqual } from '../lib/secret-compare.js';
import type { Logger } from '../observability/logger.js';
import { sendPage } from './console-response.js';
import type { ConsoleSession, SessionSigner } from './console-session.js';
import { html } from './html.js';
import { CONSOLE_PATH, page } from './layout.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import { signInForm } from './sign-in-view.js';

/**
 * Signing in and out, and the guards on every other console route. The cookie is HttpOnly,
 * SameSite=Strict, scoped to the console's path, and Secure whenever the request came over
 * https (directly or through a proxy that says so). POSTs also need the session's CSRF token.
 */
export const SESSION_COOKIE = 'console_session';

declare module 'express-serve-static-core' {
  interface Locals {
    /** Set by requireSession on every signed-in console request. */
    session?: ConsoleSession;
  }
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function cameOverHttps(req: Request): boolean {
  // A client that lies here only makes its own cookie stricter (Secure), never weaker.
  const forwarded = req.header('x-forwarded-proto')?.split(',')[0]?.trim();
  return req.secure || forwarded === 'https';
}

function cookie(req: Request, value: string, maxAgeSeconds: number): string {
  const secure = cameOverHttps(req) ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=${CONSOLE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
}

/** Only console paths may be gone to after signing in: an open redirect would help phishing. */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string') return CONSOLE_PATH;
  const ok = value === CONSOLE_PATH || (value.startsWith(`${CONSOLE_PATH}/`) && !/[\\\s]|\/\//.test(value));
  return ok ? value : CONSOLE_PATH;
}

export interface AuthDeps {
  apiKey: string | undefined;
  signer: SessionSigner | undefined;
  logger: Logger;
  /** Wrong keys per address; without it sign-in is not throttled. */
  throttle?: SignInThrottle;
}

export function sessionOf(req: Request, signer: SessionSigner | undefined): ConsoleSession | null {
  return signer?.verify(readCookie(req, SESSION_COOKIE)) ?? null;
}

export function signInPage(res: Response, status: number, input: Parameters<typeof signInForm>[0]): void {
  sendPage(res, status, page({ title: 'Sign in', body: signInForm(input) }));
}

/**
 * Pages: signed out, GET goes to the sign-in form (which comes back here after); other
 * requests (POSTs, the live stream, the recording) get a bare 401.
 */
export function requireSession(deps: AuthDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = sessionOf(req, deps.signer);
    if (session) {
      res.locals.session = session;
      return next();
    }
    if (
      req.method === 'GET' &&
      req.accepts('html') &&
      !req.path.startsWith('/live') &&
      !req.path.endsWith('/recording')
    ) {
      res.redirect(303, `${CONSOLE_PATH}?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.status(401).type('text/plain').send('Sign in to the console first.');
  };
}

/** Every POST but the sign-in must carry the session's CSRF token (forms send it as `csrf`). */
export function requireCsrf(deps: AuthDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = res.locals.session;
    const token: unknown = (req.body as Record<string, unknown> | undefined)?.csrf;
    if (session && deps.signer?.csrfMatches(session, token)) return next();
    deps.logger.warn({ path: req.path }, 'console form refused: missing or wrong CSRF token');
    sendPage(
      res,
      403,
      page({
        title: 'Form expired',
        ...(session ? { session } : {}),
        body: html`<h1>This form has expired</h1><p>Go back, reload the page and try again.</p>`,
      }),
    );
  };
}

export const formBody = express.urlencoded({ extended: false, limit: '64kb' });

export function signInHandler(deps: AuthDeps) {
  return (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    if (!deps.apiKey || !deps.signer) {
      signInPage(res, 503, { next, disabled: true });
      return;
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const waitS = deps.throttle?.waitS(address) ?? 0;
    if (waitS > 0) {
      deps.logger.warn('console sign-in refused: too many wrong keys from this address');
      res.set('Retry-After', String(waitS));
      const minutes = Math.ceil(waitS / 60);
      signInPage(res, 429, {
        next,
        error: `Too many wrong keys from this address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      });
      return;
    }
    const key = typeof body.key === 'string' ? body.key : '';
    if (key === '' || !secretsEqual(key, deps.apiKey)) {
      deps.throttle?.failed(address);
      deps.logger.warn('console sign-in refused: wrong API key');
      // 200, not 401: the browser would log any 4xx page as a console error; the form says it.
      signInPage(res, 200, { next, error: 'That is not the API key of this service.' });
      return;
    }
    const { cookieValue } = deps.signer.issue();
    res.set('Set-Cookie', cookie(req, cookieValue, Math.floor(deps.signer.lifetimeMs / 1000)));
    deps.logger.info('console signed in');
    res.redirect(303, next);
  };
}

export function signOutHandler(req: Request, res: Response): void {
  res.set('Set-Cookie', cookie(req, '', 0));
  res.redirect(303, CONSOLE_PATH);
}
