import type { Response } from 'express';
import type { Html } from './html.js';

/**
 * Headers every console page goes out with. Scripts, styles, media and connections only from
 * the service itself; inline `style` attributes are allowed (the timelines' and waterfalls' bar
 * widths), inline scripts are not. Pages hold personal data, so nothing is cached.
 */
const PAGE_HEADERS = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self'",
    "media-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

export function sendPage(res: Response, status: number, page: Html): void {
  res.status(status).set(PAGE_HEADERS).type('text/html; charset=utf-8').send(page.value);
}
