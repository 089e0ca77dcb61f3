/**
 * The input variables a Terraform module declares, read from the `.tf` files at its root: enough HCL
 * to find each `variable "name" { … }` block and whether it has a `default`. Used to check, before any
 * TFE call, that the variables mapped from a resource are ones the module knows and that every
 * variable without a default gets a value.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ModuleVariable {
  readonly name: string;
  /** No `default`: a run fails unless the variable is set. */
  readonly required: boolean;
}

/** Variables of every `.tf` file at the root of `dir`, in file and declaration order. */
export async function readModuleVariables(dir: string): Promise<ModuleVariable[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.tf')).sort();
  const result: ModuleVariable[] = [];
  for (const file of files) result.push(...parseVariables(await readFile(join(dir, file), 'utf8')));
  return result;
}

export function parseVariables(hcl: string): ModuleVariable[] {
  const code = maskStringsAndComments(hcl);
  const result: ModuleVariable[] = [];
  const header = /\bvariable\s+"([^"]+)"\s*\{/g;
  for (let match = header.exec(code); match; match = header.exec(code)) {
    const bodyStart = match.index + match[0].length;
    const bodyEnd = closingBrace(code, bodyStart);
    const body = code.slice(bodyStart, bodyEnd);
    result.push({ name: match[1]!, required: !hasTopLevelAttribute(body, 'default') });
    header.lastIndex = bodyEnd;
  }
  return result;
}

/** Index of the `}` closing the block whose body starts at `from`. */
function closingBrace(code: string, from: number): number {
  let depth = 1;
  for (let i = from; i < code.length; i++) {
    if (code[i] === '{') depth++;
    else if (code[i] === '}' && --depth === 0) return i;
  }
  return code.length;
}

/** `name =` at the block's own level, not inside a nested block such as `validation { … }`. */
function hasTopLevelAttribute(body: string, name: string): boolean {
  let depth = 0;
  const attribute = new RegExp(`^\\s*${name}\\s*=`);
  for (const line of body.split('\n')) {
    if (depth === 0 && attribute.test(line)) return true;
    for (const ch of line) {
      if (ch === '{' || ch === '[' || ch === '(') depth++;
      else if (ch === '}' || ch === ']' || ch === ')') depth--;
    }
  }
  return false;
}

/**
 * The text with comments removed and brackets inside string literals (and their `${…}`
 * interpolations) blanked, so that the brackets left are the structure's own. Quotes and the
 * letters of strings stay, which keeps variable names readable. Heredocs are blanked whole.
 */
function maskStringsAndComments(text: string): string {
  let out = '';
  // What encloses the current position: a string, or an interpolation with its open-brace depth.
  const stack: ({ kind: 'string' } | { kind: 'interp'; depth: number })[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const next = text[i + 1];
    const top = stack[stack.length - 1];
    if (top?.kind === 'string') {
      if (ch === '\\') {
        out += '  ';
        i++;
      } else if (ch === '"') {
        stack.pop();
        out += ch;
      } else if (ch === '$' && next === '{') {
        stack.push({ kind: 'interp', depth: 1 });
        out += '  ';
        i++;
      } else
        out += ch === '{' || ch === '}' || ch === '[' || ch === ']' || ch === '(' || ch === ')' ? ' ' : ch;
      continue;
    }
    if (top?.kind === 'interp') {
      if (ch === '"') stack.push({ kind: 'string' });
      else if (ch === '{') top.depth++;
      else if (ch === '}' && --top.depth === 0) stack.pop();
      out += ch === '\n' ? ch : ' ';
      continue;
    }
    if (ch === '"') {
      stack.push({ kind: 'string' });
      out += ch;
    } else if (ch === '#' || (ch === '/' && next === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop - 1;
    } else if (ch === '<' && next === '<') {
      const heredoc = /^<<-?([A-Za-z_]+)\n/.exec(text.slice(i));
      if (!heredoc) {
        out += ch;
        continue;
      }
      const close = new RegExp(`\\n\\s*${heredoc[1]}\\s*(\\n|$)`).exec(text.slice(i));
      const stop = close ? i + close.index + close[0].length : text.length;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop - 1;
    } else out += ch;
  }
  return out;
}
