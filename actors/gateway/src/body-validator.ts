/**
 * Every body is held to storable text (see `storableText` in contracts) beside its schema: a
 * string PostgreSQL cannot hold is refused at once with the body's other problems, naming its field.
 */
import { storableText } from '@oo/contracts';
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** zod's validator compiler, holding bodies to storable text as well as to their schema. */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  if (route.httpPart !== 'body' || !(route.schema instanceof z.ZodType)) return zodValidatorCompiler(route);
  return zodValidatorCompiler({ ...route, schema: storableText(route.schema) });
};
