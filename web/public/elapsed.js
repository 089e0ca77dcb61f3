// @ts-check
/**
 * How long ago something was, in the fewest words a person reads at a glance ("4 s", "12 min",
 * "3 h 5 min", "2 d 4 h"): the status page's "up" and "last heard", whose exact times are in a tooltip.
 */

/**
 * The time from `iso` to `now` (ms since epoch), rounded down to its two largest units; `''` for
 * a time that cannot be read. A time a little ahead of `now` (another host's clock) reads "0 s".
 * @param {string | null | undefined} iso
 * @param {number} now
 */
export function elapsedText(iso, now) {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  if (hours < 24) return min % 60 === 0 ? `${hours} h` : `${hours} h ${min % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
