// The generated client agrees with the contracts the API is built from: these are compile-time
// checks (`pnpm typecheck` compiles this file), run as an ordinary test too.
import type {
  Cluster as ContractCluster,
  ClusterTemplate as ContractTemplate,
  CreateClusterBody,
} from '@commander/contracts';
import { describe, expectTypeOf, it } from 'vitest';

import type { Cluster, paths } from '../src/index.js';

type Json<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer B } } };
}
  ? B
  : paths[P][M] extends { responses: { 201: { content: { 'application/json': infer B } } } }
    ? B
    : never;

type Body<P extends keyof paths> = paths[P]['post'] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** Whether every A is a B (plain assignability; deep recursive JSON types stay comparable). */
type Extends<A, B> = [A] extends [B] ? true : false;

describe('the generated client', () => {
  it('answers clusters exactly as the contract declares them', () => {
    expectTypeOf<Extends<Cluster, ContractCluster>>().toEqualTypeOf<true>();
    expectTypeOf<Extends<ContractCluster, Cluster>>().toEqualTypeOf<true>();
    expectTypeOf<Cluster['status']>().toEqualTypeOf<ContractCluster['status']>();
  });

  it('takes a cluster creation body the contract accepts', () => {
    expectTypeOf<Extends<Body<'/api/v1/clusters/'>, CreateClusterBody>>().toEqualTypeOf<true>();
    expectTypeOf<Extends<CreateClusterBody, Body<'/api/v1/clusters/'>>>().toEqualTypeOf<true>();
  });

  it('answers templates as the contract declares them', () => {
    expectTypeOf<
      Extends<Json<'/api/v1/cluster_templates/{id}', 'get'>, ContractTemplate>
    >().toEqualTypeOf<true>();
    expectTypeOf<
      Extends<ContractTemplate, Json<'/api/v1/cluster_templates/{id}', 'get'>>
    >().toEqualTypeOf<true>();
  });
});
