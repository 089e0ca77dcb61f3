/**
 * Survey answer validation with AWX's messages (`SurveyJobTemplateMixin._survey_element_validation`).
 * A required question without an answer and without a default is `'<var>' value missing`.
 */
import type { AwxSimSurveyQuestion } from './types.js';

export function validateSurvey(
  questions: readonly AwxSimSurveyQuestion[],
  data: Record<string, unknown>,
): string[] {
  return questions.flatMap((q) => validateAnswer(q, data));
}

/** Defaults of the questions the launch did not answer. */
export function surveyDefaults(
  questions: readonly AwxSimSurveyQuestion[],
  data: Record<string, unknown>,
): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const q of questions) {
    if (!(q.variable in data) && q.default !== undefined && q.default !== '')
      defaults[q.variable] = q.default;
  }
  return defaults;
}

function validateAnswer(q: AwxSimSurveyQuestion, data: Record<string, unknown>): string[] {
  const name = q.variable;
  if (!(name in data)) {
    const hasDefault = q.default !== undefined && q.default !== '';
    return q.required && !hasDefault ? [`'${name}' value missing`] : [];
  }
  const value = data[name];
  switch (q.type) {
    case 'text':
    case 'textarea':
    case 'password': {
      if (typeof value !== 'string') return [`Value ${show(value)} for '${name}' expected to be a string.`];
      if (q.required && value === '') return [`'${name}' value missing`];
      if (q.min !== undefined && value.length < q.min) {
        return [
          `'${name}' value ${value} is too small (length is ${value.length} must be at least ${q.min}).`,
        ];
      }
      if (q.max !== undefined && value.length > q.max) {
        return [`'${name}' value ${value} is too large (must be no more than ${q.max}).`];
      }
      return [];
    }
    case 'integer':
    case 'float': {
      const ok = q.type === 'integer' ? Number.isInteger(value) : typeof value === 'number';
      if (!ok)
        return [
          `Value ${show(value)} for '${name}' expected to be ${q.type === 'integer' ? 'an integer' : 'a numeric type'}.`,
        ];
      const n = value as number;
      if (q.min !== undefined && n < q.min)
        return [`'${name}' value ${n} is too small (must be at least ${q.min}).`];
      if (q.max !== undefined && n > q.max)
        return [`'${name}' value ${n} is too large (must be no more than ${q.max}).`];
      return [];
    }
    case 'multiplechoice': {
      const choices = choiceList(q.choices);
      return choices.includes(String(value))
        ? []
        : [`Value ${show(value)} for '${name}' expected to be one of ${show(choices)}.`];
    }
    case 'multiselect': {
      if (!Array.isArray(value)) return [`'${name}' value is expected to be a list.`];
      const choices = choiceList(q.choices);
      return value
        .filter((v) => !choices.includes(String(v)))
        .map((v) => `Value ${show(v)} for '${name}' expected to be one of ${show(choices)}.`);
    }
  }
}

function choiceList(choices: string | string[] | undefined): string[] {
  if (choices === undefined) return [];
  return Array.isArray(choices) ? choices : choices.split('\n').filter((c) => c !== '');
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
