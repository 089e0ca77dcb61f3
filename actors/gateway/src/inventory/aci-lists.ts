/**
 * APIC's answers read with zod: the login's token, a page of a class query, and EPGs (`fvAEPg`) mapped
 * onto OO's inventory networks. Objects are loose: APIC sends many more attributes than read here.
 */
import type { InventoryNetwork } from '@oo/contracts';
import { z } from 'zod';
import type { AnswerError } from './inventory-http.js';

/** An EPG's `type` in OO's inventory, beside vCenter's port group types. */
export const ACI_EPG_TYPE = 'ACI_EPG';

const ApicError = z.object({
  imdata: z.tuple(
    [z.object({ error: z.object({ attributes: z.object({ code: z.string(), text: z.string() }) }) })],
    z.unknown(),
  ),
});

/** The `error` item of an APIC answer: its text, and `errorCode`/`errorText` for details. */
export function apicErrorOf(body: unknown): AnswerError | undefined {
  const parsed = ApicError.safeParse(body);
  if (!parsed.success) return undefined;
  const { code, text } = parsed.data.imdata[0].error.attributes;
  return { text, details: { errorCode: code, errorText: text } };
}

const Login = z.object({
  imdata: z.tuple(
    [z.object({ aaaLogin: z.object({ attributes: z.object({ token: z.string().min(1) }) }) })],
    z.unknown(),
  ),
});

/** The token of an aaaLogin answer; undefined when it has none. */
export function tokenOf(body: unknown): string | undefined {
  const parsed = Login.safeParse(body);
  return parsed.success ? parsed.data.imdata[0].aaaLogin.attributes.token : undefined;
}

const Page = z.object({
  totalCount: z.string().regex(/^\d+$/).transform(Number),
  imdata: z.array(z.unknown()),
});

/** Builds the error for an unreadable answer: the first issue. */
export type Unreadable = (issue: string) => Error;

const issueOf = (error: z.ZodError): string => {
  const issue = error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
  return `${where}${issue?.message ?? 'invalid'}`;
};

/** A class query's page: the count of all objects and this page's items. */
export function pageOf(body: unknown, unreadable: Unreadable): { totalCount: number; imdata: unknown[] } {
  const parsed = Page.safeParse(body);
  if (!parsed.success) throw unreadable(issueOf(parsed.error));
  return parsed.data;
}

// Bounds as in OO's inventory contract, so a mapped list always satisfies it.
const FvAEPg = z.object({
  fvAEPg: z.object({
    attributes: z.looseObject({ dn: z.string().min(1).max(255), name: z.string().min(1).max(255) }),
  }),
});

/** EPGs as networks: the EPG's name, its dn as the id (names repeat across tenants, dns do not). */
export function mapEpgs(items: unknown[], unreadable: Unreadable): InventoryNetwork[] {
  const parsed = z.array(FvAEPg).safeParse(items);
  if (!parsed.success) throw unreadable(issueOf(parsed.error));
  return parsed.data.map(({ fvAEPg: { attributes } }) => ({
    name: attributes.name,
    id: attributes.dn,
    type: ACI_EPG_TYPE,
  }));
}
