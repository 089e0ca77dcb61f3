/** A reason's dotted path (`resources.0.cpu`) from its parts, an empty part (the value itself) left out. */
export function joinPath(...parts: readonly (string | number)[]): string {
  return parts.filter((p) => p !== '').join('.');
}
