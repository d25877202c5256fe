import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Renders the TwiML documents kept in the top-level twiml/ folder. Templates are read once;
 * values are XML-escaped, so caller-controlled text can never add elements.
 */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above twiml.ts');
    dir = parent;
  }
  return dir;
}

const cache = new Map<string, string>();

function template(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    const raw = readFileSync(path.join(findProjectRoot(), 'twiml', `${name}.xml`), 'utf8');
    // Comments document the files; Twilio does not need them.
    text = raw
      .replace(/<!--[\s\S]*?-->\s*/g, '')
      .replace(/>\s+</g, '><')
      .trim();
    cache.set(name, text);
  }
  return text;
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function render(name: string, values: Record<string, string>): string {
  return template(name).replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

/** The stream URL Twilio connects to: wss:// for an https:// PUBLIC_URL (Twilio accepts only wss). */
export function streamUrlFor(publicUrl: string): string {
  return `${publicUrl.replace(/^http/, 'ws')}/twilio/media`;
}

export function streamTwiml(streamUrl: string, parameters: Record<string, string>): string {
  const params = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join('');
  return render('stream', { streamUrl: escapeXml(streamUrl), parameters: params });
}

export function busyTwiml(): string {
  return render('busy', {});
}

export function voicemailTwiml(message: string): string {
  return render('voicemail', { message: escapeXml(message) });
}
