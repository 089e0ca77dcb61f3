/**
 * Splits a byte stream into lines (LF or CRLF) for a callback, keeping the last few lines for the
 * result. A line longer than `maxLineLength` is cut in the tail (not in the callback).
 */
export interface LineTail {
  /** Feeds a chunk; complete lines go to the callback. */
  push(chunk: Buffer): void;
  /** Flushes a last line without newline. */
  end(): void;
  /** The kept lines, oldest first, joined with `\n`. */
  text(): string;
}

export function createLineTail(
  onLine: ((line: string) => void) | undefined,
  keep: number,
  maxLineLength = 2_000,
): LineTail {
  const lines: string[] = [];
  let partial = '';
  const decoder = new TextDecoder('utf-8');

  function emit(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    lines.push(line.length > maxLineLength ? `${line.slice(0, maxLineLength)}…` : line);
    if (lines.length > keep) lines.shift();
    onLine?.(line);
  }

  return {
    push(chunk) {
      const text = partial + decoder.decode(chunk, { stream: true });
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) emit(part);
    },
    end() {
      const rest = partial + decoder.decode();
      partial = '';
      if (rest !== '') emit(rest);
    },
    text: () => lines.join('\n'),
  };
}

/** The last `keep` lines of a text (a trailing newline does not count as an empty last line). */
export function lastLines(text: string, keep: number): string {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  return lines.slice(-keep).join('\n');
}
