/** The types of public/elapsed.js (plain JavaScript, served as is) for TypeScript importers. */

/** How long ago `iso` was at `now` (ms since epoch), in its two largest units: "4 s", "3 h 5 min"; '' when unreadable. */
export function elapsedText(iso: string | null | undefined, now: number): string;
