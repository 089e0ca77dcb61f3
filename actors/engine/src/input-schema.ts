/**
 * The template's `input` JSON Schema, compiled once per template with ajv. The draft follows `$schema`
 * (2020-12, 2019-09, otherwise draft-07). Unknown keywords are rejected so a typo such as `requird` is
 * a load error rather than a schema that quietly accepts anything.
 */
import type { SchemaIssue } from '@oo/contracts';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** A field of the input and its rule: dotted path inside the input (`network.cpu`), '' for the input itself. */
export type InputIssue = SchemaIssue;

export type InputValidation =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issues: readonly InputIssue[] };

/** Validates a run input; on success `value` is a copy with the schema's defaults filled in. */
export type InputValidator = (input: unknown) => InputValidation;

const OPTIONS: Options = {
  allErrors: true,
  useDefaults: true,
  strictSchema: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  logger: false,
};

function newAjv(schema: Record<string, unknown>) {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const ajv = dialect.includes('2020-12')
    ? new Ajv2020(OPTIONS)
    : dialect.includes('2019-09')
      ? new Ajv2019(OPTIONS)
      : new Ajv(OPTIONS);
  addFormatsModule.default(ajv);
  return ajv;
}

/** Compiles the schema; returns the reason instead when it is not a valid JSON Schema. */
export function compileInputSchema(
  schema: Record<string, unknown>,
): InputValidator | { readonly reason: string } {
  let validate: ValidateFunction;
  try {
    // A fresh instance per template: a shared one would reject two templates using the same `$id`.
    validate = newAjv(schema).compile(schema);
  } catch (thrown) {
    return { reason: `input is not a valid JSON Schema: ${(thrown as Error).message}` };
  }
  return (input) => {
    // Defaults are written into the value, so validate a copy: the caller's input stays untouched.
    const value = input === undefined ? {} : structuredClone(input);
    if (validate(value)) return { ok: true, value };
    return { ok: false, issues: (validate.errors ?? []).map(toIssue) };
  };
}

function toIssue(error: ErrorObject): InputIssue {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const field = params.missingProperty ?? params.additionalProperty;
  if (field !== undefined) segments.push(field);
  const path = segments.join('.');
  const message =
    params.additionalProperty !== undefined ? 'is not allowed here' : (error.message ?? 'is invalid');
  return { path, message: params.missingProperty !== undefined ? 'is required' : message };
}
