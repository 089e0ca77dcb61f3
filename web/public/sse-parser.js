// @ts-check
/**
 * Server-Sent Events, parsed from text fed in chunks. The web UI reads the gateway's event stream
 * over fetch (EventSource cannot send an Authorization header) and `oo request` reads it from Node:
 * both parse it here. No browser or Node API is used.
 */

/**
 * @typedef {{ event: string, data: string, id: string | undefined }} SseFrame
 */

/**
 * Parses an event stream fed in chunks: `push` a chunk of text, get the frames it completed.
 * Follows the SSE rules the gateway uses: `field: value` lines, a blank line ends a frame, lines
 * starting with `:` are comments, `data` lines join with a newline.
 */
export function sseParser() {
  let buffer = '';
  /** @type {{ event: string, data: string[], id: string | undefined }} */
  let frame = { event: 'message', data: [], id: undefined };
  return {
    /**
     * @param {string} chunk
     * @returns {SseFrame[]}
     */
    push(chunk) {
      buffer += chunk;
      /** @type {SseFrame[]} */
      const frames = [];
      let end = buffer.search(/\r\n|\r|\n/);
      // A `\r` ending the text so far may be half of a `\r\n`: the next chunk tells.
      while (end >= 0 && !(end === buffer.length - 1 && buffer[end] === '\r')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(buffer.startsWith('\r\n', end) ? end + 2 : end + 1);
        if (line === '') {
          if (frame.data.length > 0)
            frames.push({ event: frame.event, data: frame.data.join('\n'), id: frame.id });
          frame = { event: 'message', data: [], id: undefined };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') frame.event = value;
          else if (field === 'data') frame.data.push(value);
          else if (field === 'id') frame.id = value;
        }
        end = buffer.search(/\r\n|\r|\n/);
      }
      return frames;
    },
  };
}
