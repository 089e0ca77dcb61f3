/**
 * Text from elsewhere — an error message quoting a message body, a task's failure, a log field —
 * shown on a terminal as text: its control characters (C0, DEL, C1) written as `\u001b`-style
 * escapes, so an escape sequence in it cannot move the cursor, retitle the window or hide a line.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
