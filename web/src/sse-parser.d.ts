/** The types of public/sse-parser.js (plain JavaScript, served as is) for TypeScript importers. */
export interface SseFrame {
  event: string;
  data: string;
  id: string | undefined;
}

/** Parses an event stream fed in chunks: `push` a chunk of text, get the frames it completed. */
export function sseParser(): { push(chunk: string): SseFrame[] };
