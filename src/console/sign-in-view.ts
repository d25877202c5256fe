import { type Html, html } from './html.js';
import { CONSOLE_PATH } from './layout.js';

export interface SignInInput {
  /** Where to go after signing in (a console path). */
  next: string;
  error?: string;
  /** API_KEY is not set: there is no key to sign in with. */
  disabled?: boolean;
}

export function signInForm(input: SignInInput): Html {
  if (input.disabled) {
    return html`<h1>Sign in</h1>
<p class="error" role="alert">The console is off because <code>API_KEY</code> is not set. Start the service with <code>API_KEY</code> set, then sign in with it here.</p>`;
  }
  return html`<h1>Sign in</h1>
<form method="post" action="${CONSOLE_PATH}/sign-in" class="sign-in">
<input type="hidden" name="next" value="${input.next}">
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus${input.error ? html` aria-invalid="true" aria-describedby="key-error"` : ''}>
${input.error ? html`<p id="key-error" class="field-error" role="alert">${input.error}</p>` : ''}
<button type="submit">Sign in</button>
<p class="muted">The service's <code>API_KEY</code>. It stays on the server: the browser keeps only a signed session that expires.</p>
</form>`;
}
