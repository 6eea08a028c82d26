import { describe, expect, it } from 'vitest';

import { ApiError } from '../../lib/api-client.js';
import { createI18n } from '../../test/i18n.js';
import { createClusterErrorFields } from './components/create-cluster-form.js';
import { filterFromSearch } from './pages/clusters-page.js';

describe('filterFromSearch', () => {
  it('reads status, search, page and sort, ignoring malformed values', () => {
    expect(
      filterFromSearch(new URLSearchParams('status=in_sync&q=%20prod%20&page=3&sort=name')),
    ).toEqual({
      status: 'in_sync',
      q: 'prod',
      page: 3,
      sort: 'name',
    });
    expect(filterFromSearch(new URLSearchParams('status=bogus&page=-1&q=&sort=evil'))).toEqual({
      status: undefined,
      q: undefined,
      page: 1,
      sort: 'attention',
    });
  });
});

describe('createClusterErrorFields', () => {
  const { t } = createI18n('en');
  it('puts each API error next to its field', () => {
    expect(createClusterErrorFields(new ApiError(409, 'name_taken', 'taken'), t).fields).toEqual({
      name: 'A cluster with this name already exists in this workspace',
    });
    expect(
      createClusterErrorFields(new ApiError(422, 'template_version_unavailable', 'x'), t).fields,
    ).toHaveProperty('versionId');
    expect(
      createClusterErrorFields(new ApiError(422, 'invalid_values', 'replicas must be at most 5'), t)
        .fields,
    ).toEqual({
      values: 'replicas must be at most 5',
    });
  });

  it('keeps the rest for the form as a whole', () => {
    expect(
      createClusterErrorFields(new ApiError(500, 'internal', 'Internal server error'), t),
    ).toEqual({
      fields: {},
      general: 'Internal server error (internal)',
    });
    expect(
      createClusterErrorFields(
        new ApiError(400, 'validation_failed', 'Invalid request', { issues: [] }),
        t,
      ).general,
    ).toBe('Invalid request (validation_failed)');
  });
});
