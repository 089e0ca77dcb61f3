// @ts-check
/**
 * Asks before a page holding changes not saved is left, by the navigation (the hash changes) or by
 * closing or reloading the tab. The page on screen says what it would lose; the router forgets it
 * when it shows the next page.
 */

/** @type {(() => string | undefined) | undefined} */
let unsaved;

/**
 * The page on screen tells what leaving it would lose, as a sentence (undefined: nothing).
 * @param {(() => string | undefined) | undefined} loss
 */
export function guardLeaving(loss) {
  unsaved = loss;
}

/** Whether the page may be left: nothing would be lost, or the user agrees to lose it. */
export function mayLeave() {
  const loss = unsaved?.();
  return loss === undefined || confirm(`${loss} Leave this page all the same?`);
}

window.addEventListener('beforeunload', (event) => {
  // Browsers show their own words; asking at all is what this decides.
  if (unsaved?.() !== undefined) event.preventDefault();
});
