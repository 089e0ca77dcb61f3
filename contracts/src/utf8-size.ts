/**
 * Whether `text` takes more than `maxBytes` in UTF-8. A UTF-16 unit is at most 3 bytes of UTF-8, so
 * most texts (a message body, a run's head) are answered without counting.
 */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  return text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes;
}
