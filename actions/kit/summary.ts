/**
 * A job summary in Markdown that stays under GitHub's 1 MiB limit per step. Sections are kept in
 * order; when the whole does not fit, the collapsible text blocks (log tails, raw JSON) are cut
 * first, from the start, with a note saying how much was left out.
 */

/** GitHub rejects a step summary over 1 MiB; keep a margin for the notes. */
export const MAX_SUMMARY_BYTES = 1024 * 1024 - 4096;

type Section =
  | { readonly kind: "markdown"; readonly text: string }
  | {
      readonly kind: "block";
      readonly title: string;
      readonly body: string;
      readonly lang: string;
    };

/**
 * Collects summary sections and renders them within the size limit.
 *
 * @example
 * const md = new SummaryBuilder().heading("Invoke migration").table([["Outcome", "✅"]]).render();
 */
export class SummaryBuilder {
  readonly #sections: Section[] = [];

  heading(text: string, level = 2): this {
    return this.markdown(`${"#".repeat(level)} ${escapeMarkdown(text)}`);
  }

  /** A two-column table without a header row: label, value. */
  table(rows: readonly (readonly [string, string])[]): this {
    if (rows.length === 0) return this;
    const lines = ["| | |", "| --- | --- |"];
    for (const [label, value] of rows) lines.push(`| **${cell(label)}** | ${cell(value)} |`);
    return this.markdown(lines.join("\n"));
  }

  list(items: readonly string[]): this {
    if (items.length === 0) return this;
    return this.markdown(items.map((item) => `- ${escapeMarkdown(item)}`).join("\n"));
  }

  paragraph(text: string): this {
    return this.markdown(escapeMarkdown(text));
  }

  /** Raw Markdown, trusted (built by the caller from escaped parts). */
  markdown(text: string): this {
    this.#sections.push({ kind: "markdown", text });
    return this;
  }

  /** A collapsed `<details>` block of preformatted text; cut first when the summary is too big. */
  collapsed(title: string, body: string, lang = ""): this {
    if (body !== "") this.#sections.push({ kind: "block", title, body, lang });
    return this;
  }

  render(maxBytes = MAX_SUMMARY_BYTES): string {
    const fixed = this.#sections.map((section) =>
      section.kind === "markdown" ? section.text : renderBlock(section, ""),
    );
    const fixedBytes = Buffer.byteLength(fixed.join("\n\n"));
    const blocks = this.#sections.filter((section) => section.kind === "block");
    const bodyBytes = blocks.reduce((sum, block) => sum + Buffer.byteLength(block.body), 0);
    let budget = maxBytes - fixedBytes;
    const parts = this.#sections.map((section) => {
      if (section.kind === "markdown") return section.text;
      const fits =
        fixedBytes + bodyBytes <= maxBytes ? section.body : cutStart(section.body, budget);
      budget -= Buffer.byteLength(fits);
      return renderBlock(section, fits);
    });
    const text = `${parts.join("\n\n")}\n`;
    return Buffer.byteLength(text) <= maxBytes ? text : cutEnd(text, maxBytes);
  }
}

function renderBlock(section: Extract<Section, { kind: "block" }>, body: string): string {
  const longestTicks = Math.max(2, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestTicks + 1);
  return `<details><summary>${escapeHtml(section.title)}</summary>\n\n${fence}${section.lang}\n${body}\n${fence}\n\n</details>`;
}

function cutStart(body: string, budget: number): string {
  const bytes = Buffer.from(body);
  if (budget <= 0) return `[… all ${bytes.length} bytes left out: the summary limit is 1 MiB]`;
  if (bytes.length <= budget) return body;
  const note = `[… first ${bytes.length - budget} bytes left out: the summary limit is 1 MiB]\n`;
  let start = bytes.length - budget + Buffer.byteLength(note);
  while (start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start += 1;
  return note + bytes.subarray(start).toString("utf8");
}

function cutEnd(text: string, maxBytes: number): string {
  const note = "\n\n_… the rest was left out: the summary limit is 1 MiB._\n";
  const bytes = Buffer.from(text);
  let end = maxBytes - Buffer.byteLength(note);
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString("utf8") + note;
}

/** Escapes text for a Markdown paragraph or list item (no links, emphasis or HTML from data). */
export function escapeMarkdown(text: string): string {
  return escapeHtml(text).replace(/([\\`*_[\]#|])/g, "\\$1");
}

function cell(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n/g, "<br>");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
