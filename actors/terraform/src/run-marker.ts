/**
 * The marker that ties a TFE run to the OO task that created it. It goes into the run's message, so a
 * task that lost track of its run (a crash between POST and storing the id, or an answer that never
 * came) finds it with `findRunByMessage` instead of creating a second one. The brackets keep
 * `…create]` from matching inside `…create_again]`.
 */
export function runMarker(runId: string, taskKey: string): string {
  return `[oo:${runId}.${taskKey}]`;
}

/** The message TFE shows for the run, ending with the marker. */
export function markedMessage(message: string, marker: string): string {
  return `${message.trim()} ${marker}`;
}
