/** A simulator's answer as the simulator tests read it: status, headers and the body parsed. */

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: assertions read the systems' JSON answers freely; the shapes are what is tested.
  body: any;
}

/** The body as JSON; undefined when empty, the text itself when it is not JSON (stdout, HTML). */
export async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Text answers stay text.
  }
  return { status: res.status, headers: res.headers, body };
}
