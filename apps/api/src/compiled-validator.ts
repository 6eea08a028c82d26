import { Ajv } from 'ajv';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * One Ajv instance for the compiled body validators, set to behave as zod does on parsed JSON:
 * - `useDefaults`: a missing property gets the schema's `default` (zod's `.default()`);
 * - `removeAdditional: 'all'`: properties the schema does not name are dropped (zod's objects
 *   strip unknown keys);
 * - `maxLength` counts code points, a lone surrogate as one (Ajv's default `unicode`), as zod's
 *   `.max()` on strings does (`util.codePointLength`);
 * - `unicodeRegExp: false`: patterns are compiled without the `u` flag, as zod's own regexes;
 * - `date-time` is accepted as a format name and not checked: zod's JSON Schema carries the
 *   datetime check as its `pattern`, zod's own regex.
 */
const ajv = new Ajv({
  useDefaults: true,
  removeAdditional: 'all',
  unicodeRegExp: false,
  allErrors: false,
  coerceTypes: false,
  strict: true,
  formats: { 'date-time': true },
});

/**
 * A request body validator compiled from a zod schema: the schema's JSON Schema (input side,
 * `z.toJSONSchema`) compiled by Ajv, which checks and completes a valid body in place (defaults,
 * unknown keys dropped) several times faster than zod parses it. A body Ajv refuses goes to
 * zod's own validator, so every refusal is answered exactly as before (the same issues, the
 * same 400).
 *
 * Only for schemas whose JSON Schema says all that zod checks: no `.refine()`, `.transform()`
 * or custom checks, which `z.toJSONSchema` leaves out or cannot express. Each schema compiled
 * here needs a property test (`compiled-validator.test.ts`) that it accepts exactly what zod
 * accepts and yields the same value.
 */
export function compileZodBodyValidator(schema: z.ZodType): (data: unknown) => unknown {
  const validate = compileAjv(schema);
  const zodValidate = zodValidatorCompiler({ schema, method: 'POST', url: '', httpPart: 'body' });
  return (data: unknown) => (validate(data) ? { value: data } : zodValidate(data));
}

/**
 * Ajv's validator of `schema`'s JSON Schema alone (true: valid, and completed in place).
 * Exported for the property test; routes use {@link compileZodBodyValidator}.
 */
export function compileAjv(schema: z.ZodType): (data: unknown) => boolean {
  const { $schema: _draft, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-7',
    unrepresentable: 'throw',
  });
  const validate = ajv.compile(jsonSchema);
  return (data) => validate(data);
}

/**
 * A route's `validatorCompiler`: the compiled validator for the body (`compileZodBodyValidator`),
 * zod's (the app's default) for params, querystring and headers.
 */
export function compiledBodyValidatorCompiler<S>(
  route: FastifyRouteSchemaDef<S>,
): FastifyValidationResult {
  const zodRoute = route as unknown as FastifyRouteSchemaDef<z.ZodType>;
  return route.httpPart === 'body'
    ? (compileZodBodyValidator(zodRoute.schema) as FastifyValidationResult)
    : zodValidatorCompiler(zodRoute);
}
