import type { ConsoleSession } from './console-session.js';
import { type Html, type HtmlValue, html } from './html.js';

/** Where the console lives; every link and form action starts here. */
export const CONSOLE_PATH = '/console';
/** Bumped with the assets so browsers never keep an old script with a new page. */
const ASSET_VERSION = '1';

/** The console's stylesheets (src/console/assets), in cascade order. */
const STYLESHEETS = ['console.css', 'lists.css', 'call.css', 'waterfall.css'];

export type NavItem = 'calls' | 'place' | 'templates';

export interface PageOptions {
  title: string;
  /** Absent on the sign-in page: no navigation, no sign-out. */
  session?: ConsoleSession;
  nav?: NavItem;
  body: HtmlValue;
  /** A one-line notice above the page's content (e.g. "Call placed"). */
  notice?: string;
}

function navLink(item: NavItem, current: NavItem | undefined, href: string, label: string): Html {
  return html`<a href="${href}"${item === current ? html` aria-current="page"` : ''}>${label}</a>`;
}

/** A hidden field with the session's CSRF token; every POST form includes one. */
export function csrfField(session: ConsoleSession): Html {
  return html`<input type="hidden" name="csrf" value="${session.csrfToken}">`;
}

export function page(options: PageOptions): Html {
  const { session } = options;
  const header = session
    ? html`<header class="top">
  <a class="brand" href="${CONSOLE_PATH}">phone-screen</a>
  <nav aria-label="Console">
    ${navLink('calls', options.nav, CONSOLE_PATH, 'Calls')}
    ${navLink('place', options.nav, `${CONSOLE_PATH}/calls/new`, 'Place a call')}
    ${navLink('templates', options.nav, `${CONSOLE_PATH}/templates`, 'Templates')}
  </nav>
  <form method="post" action="${CONSOLE_PATH}/sign-out" class="sign-out">${csrfField(session)}<button type="submit" class="link">Sign out</button></form>
</header>`
    : html`<header class="top"><span class="brand">phone-screen</span></header>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · phone-screen</title>
<link rel="icon" href="${CONSOLE_PATH}/assets/icon.svg" type="image/svg+xml">
${STYLESHEETS.map(
  (name) => html`<link rel="stylesheet" href="${CONSOLE_PATH}/assets/${name}?v=${ASSET_VERSION}">
`,
)}
<script src="${CONSOLE_PATH}/assets/console.js?v=${ASSET_VERSION}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${header}
<main id="main">
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.body}
</main>
</body>
</html>
`;
}
