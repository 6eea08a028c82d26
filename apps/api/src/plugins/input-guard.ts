import { AppError } from '@commander/core';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Deepest accepted nesting of objects and arrays in a body, query or path parameters. */
export const MAX_INPUT_DEPTH = 64;

/** A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const FORBIDDEN = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type InputProblem = { path: string; message: string };

/**
 * The one input rule: no NUL character or lone UTF-16 surrogate in any string or key, and no
 * nesting deeper than MAX_INPUT_DEPTH. PostgreSQL cannot store either character (text and jsonb
 * fail with 22021 / 22P05) and deep values overflow recursive code downstream. Iterative (an
 * explicit stack), so any depth is checked without overflowing the call stack.
 */
export function findInputProblem(value: unknown, root: string): InputProblem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value, path: root, depth: 1 },
  ];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === 'string') {
      if (FORBIDDEN.test(v)) {
        return { path: item.path, message: 'NUL characters and lone surrogates are not allowed' };
      }
      continue;
    }
    if (v === null || typeof v !== 'object') {
      continue;
    }
    if (item.depth > MAX_INPUT_DEPTH) {
      return { path: item.path, message: `nested deeper than ${MAX_INPUT_DEPTH} levels` };
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        stack.push({ value: v[i] as unknown, path: `${item.path}.${i}`, depth: item.depth + 1 });
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN.test(key)) {
        return {
          path: item.path,
          message: 'NUL characters and lone surrogates are not allowed in keys',
        };
      }
      stack.push({
        value: (v as Record<string, unknown>)[key],
        path: `${item.path}.${key}`,
        depth: item.depth + 1,
      });
    }
  }
  return null;
}

/**
 * Whether `value` breaks the input rule, without building the path of every value on the way
 * (the common answer is no; {@link findInputProblem} then names where, for the rare yes). Same
 * rule and the same explicit stack, two parallel arrays instead of an object per value.
 */
export function hasInputProblem(value: unknown): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string') {
      if (FORBIDDEN.test(v)) {
        return true;
      }
      continue;
    }
    if (v === null || typeof v !== 'object') {
      continue;
    }
    if (depth > MAX_INPUT_DEPTH) {
      return true;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        values.push(v[i]);
        depths.push(depth + 1);
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN.test(key)) {
        return true;
      }
      values.push((v as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return false;
}

function inputProblem(value: unknown, name: string): InputProblem | null {
  return value === undefined || !hasInputProblem(value) ? null : findInputProblem(value, name);
}

/**
 * Applies the input rule to every route's body, query string and path parameters in
 * preValidation (after authentication, before validation and any use case): 400
 * `validation_failed` in the usual error envelope.
 */
export const inputGuardPlugin = fp(
  async (app) => {
    // A callback hook (synchronous work: no promise or microtask per request).
    app.addHook('preValidation', (request: FastifyRequest, _reply, done) => {
      const problem =
        inputProblem(request.params, 'params') ??
        inputProblem(request.query, 'querystring') ??
        inputProblem(request.body, 'body');
      if (problem) {
        done(new AppError('validation_failed', 'Invalid request', { issues: [problem] }));
        return;
      }
      done();
    });
  },
  { name: 'input-guard' },
);
