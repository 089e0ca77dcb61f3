/** Where a command's output goes (stdout for answers, stderr for what it tells), and answers as JSON. */

/** The tests give their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** An answer as a command prints it: indented JSON and a newline. */
export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
