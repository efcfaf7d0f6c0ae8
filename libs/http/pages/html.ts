/**
 * Server-rendered HTML for the few pages that must work without JavaScript (a link's landing and its
 * refusals): a tagged template that escapes every interpolated value unless it is already `Html`.
 * Hand-written because it is ten lines; the interactive pages use htm over Preact, which escapes the same way.
 */
export class Html {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const part = (value: unknown): string =>
  value instanceof Html
    ? value.text
    : Array.isArray(value)
      ? value.map(part).join('')
      : value === null || value === undefined || value === false
        ? ''
        : escapeHtml(String(value));

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? part(values[i]) : ''), ''));
}

/** A whole page in the pages' frame: Pico's styles, one main landmark, the title as its heading. */
export function page(title: string, body: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title} — Transition tracker</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/ui/pico.css" />
        <link rel="stylesheet" href="/ui/pages.css" />
      </head>
      <body>
        <main class="container">
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.text;
}
